// MODEL ONLY: the service's FargateService construct (its lib/fargate-service.ts), reduced to what
// the image change touches and written for these tests: one task definition, one environment map
// shared by every container, the web container and the two consumer containers (each added only
// when its queue is configured), the stack's log group and their stream prefixes, port 8080, and
// the Fargate service behind the NLB target group. IAM, scaling and alarms are left out: the
// migration does not touch them. The property lines the migration's diff touches, and the lines
// around them, are laid out as in the service's file, so docker/MIGRATING.md's diff applies to both.
// tests/cdk/migration.test.js applies that diff here and compares the synthesized templates.
import * as cdk from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface FargateServiceProps {
    readonly vpc: ec2.IVpc;
    readonly targetGroup: elbv2.INetworkTargetGroup;
    readonly image: ecs.ContainerImage;
    readonly packagerQueueUrl: string;
    readonly athenaUserDatabase: string;
    readonly quiltWebHost: string;
    readonly benchlingSecret: string;
    readonly athenaUserWorkgroup?: string;
    readonly logLevel?: string;
    readonly packageEventQueue?: sqs.IQueue;
    readonly packagingRequestQueue?: sqs.IQueue;
}

export class FargateService extends Construct {
    public readonly service: ecs.FargateService;
    public readonly logGroup: logs.ILogGroup;

    constructor(scope: Construct, id: string, props: FargateServiceProps) {
        super(scope, id);
        const region = cdk.Stack.of(this).region;

        const cluster = new ecs.Cluster(this, "BenchlingWebhookCluster", { vpc: props.vpc });

        // The stack's own log group: the service's `logs` command reads the group named after it.
        const stackName = cdk.Stack.of(this).stackName;
        this.logGroup = new logs.LogGroup(this, "ContainerLogGroup", {
            logGroupName: stackName,
            retention: logs.RetentionDays.ONE_WEEK,
            removalPolicy: cdk.RemovalPolicy.DESTROY,
        });

        const taskDefinition = new ecs.FargateTaskDefinition(this, "TaskDefinition", {
            memoryLimitMiB: 2048,
            cpu: 1024,
            family: "benchling-webhook-task",
        });

        // One map for every container: the consumers need the same configuration as the web app.
        const environmentVars: { [key: string]: string } = {
            AWS_REGION: region,
            AWS_DEFAULT_REGION: region,
            PORT: "8080",
            QUILT_WEB_HOST: props.quiltWebHost,
            ATHENA_USER_DATABASE: props.athenaUserDatabase,
            ATHENA_USER_WORKGROUP: props.athenaUserWorkgroup || "primary",
            PACKAGER_SQS_URL: props.packagerQueueUrl,
            BenchlingSecret: props.benchlingSecret,
            ENABLE_WEBHOOK_VERIFICATION: "true",
            APP_ENV: "production",
            LOG_LEVEL: props.logLevel || "INFO",
        };

        if (props.packageEventQueue) {
            environmentVars.PACKAGE_EVENT_QUEUE_URL = props.packageEventQueue.queueUrl;
            environmentVars.PACKAGE_EVENT_CONCURRENCY = "5";
            environmentVars.PACKAGE_EVENT_GRACEFUL_TIMEOUT = "30";
        }

        if (props.packagingRequestQueue) {
            environmentVars.PACKAGING_REQUEST_QUEUE_URL = props.packagingRequestQueue.queueUrl;
            environmentVars.PACKAGING_REQUEST_CONCURRENCY = "5";
            environmentVars.PACKAGING_REQUEST_GRACEFUL_TIMEOUT = "30";
        }

        const container = taskDefinition.addContainer("BenchlingWebhookContainer", {
            image: props.image,
            logging: ecs.LogDriver.awsLogs({
                streamPrefix: "benchling-webhook",
                logGroup: this.logGroup,
            }),
            environment: environmentVars,
            healthCheck: {
                command: ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"],
                interval: cdk.Duration.seconds(30),
                timeout: cdk.Duration.seconds(10),
                retries: 3,
                startPeriod: cdk.Duration.seconds(60),
            },
        });

        if (props.packageEventQueue) {
            taskDefinition.addContainer("BenchlingPackageEventConsumer", {
                image: props.image,
                command: ["python", "-m", "src.sqs_consumer"],
                essential: true,
                stopTimeout: cdk.Duration.seconds(30),
                logging: ecs.LogDriver.awsLogs({
                    streamPrefix: "benchling-sqs-consumer",
                    logGroup: this.logGroup,
                }),
                environment: environmentVars,
            });
        }

        if (props.packagingRequestQueue) {
            taskDefinition.addContainer("BenchlingPackagingConsumer", {
                image: props.image,
                command: ["python", "-m", "src.packaging_consumer"],
                essential: true,
                stopTimeout: cdk.Duration.seconds(30),
                logging: ecs.LogDriver.awsLogs({
                    streamPrefix: "benchling-packaging-consumer",
                    logGroup: this.logGroup,
                }),
                environment: environmentVars,
            });
        }

        // Map container port
        container.addPortMappings({
            containerPort: 8080,
            protocol: ecs.Protocol.TCP,
        });

        this.service = new ecs.FargateService(this, "Service", {
            cluster,
            taskDefinition,
            desiredCount: 2,
            healthCheckGracePeriod: cdk.Duration.seconds(60),
            minHealthyPercent: 50,
            maxHealthyPercent: 200,
            circuitBreaker: {
                rollback: true,
            },
        });

        // The NLB's target group checks HTTP /health itself; the migration leaves it as it is.
        this.service.attachToNetworkTargetGroup(props.targetGroup);
    }
}
