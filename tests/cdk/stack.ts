// The stack the migration test synthesizes around a FargateService construct (the model in
// lib/fargate-service.ts, or that file with docker/MIGRATING.md's diff applied): a VPC, the NLB
// and its target group checking HTTP /health as the service's do, and the queues that decide which
// consumer containers exist. Offline: no lookups, no assets, an environment-agnostic stack.
import * as cdk from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { FargateServiceProps } from "./lib/fargate-service";

export type FargateServiceClass = new (scope: Construct, id: string, props: FargateServiceProps) => Construct;

export interface Queues {
    readonly packageEvent: boolean;
    readonly packagingRequest: boolean;
}

export function synthesize(construct: FargateServiceClass, queues: Queues, outdir: string): Record<string, any> {
    const app = new cdk.App({ outdir });
    const stack = new cdk.Stack(app, "BenchlingWebhookStack");
    const vpc = new ec2.Vpc(stack, "Vpc", { maxAzs: 2, natGateways: 0 });
    const nlb = new elbv2.NetworkLoadBalancer(stack, "NetworkLoadBalancer", { vpc, internetFacing: false });
    const targetGroup = new elbv2.NetworkTargetGroup(stack, "TargetGroup", {
        vpc,
        port: 8080,
        protocol: elbv2.Protocol.TCP,
        targetType: elbv2.TargetType.IP,
        healthCheck: {
            enabled: true,
            protocol: elbv2.Protocol.HTTP,
            path: "/health",
            interval: cdk.Duration.seconds(30),
            timeout: cdk.Duration.seconds(10),
            healthyHttpCodes: "200",
        },
    });
    nlb.addListener("Listener", { port: 80, defaultTargetGroups: [targetGroup] });
    new construct(stack, "FargateService", {
        vpc,
        targetGroup,
        image: ecs.ContainerImage.fromRegistry("123456789012.dkr.ecr.us-east-1.amazonaws.com/quiltdata/benchling:0.18.0"),
        packagerQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/packager",
        athenaUserDatabase: "quilt_user_db",
        quiltWebHost: "https://quilt.example.com",
        benchlingSecret: "benchling-webhook/secret",
        packageEventQueue: queues.packageEvent ? new sqs.Queue(stack, "PackageEventQueue") : undefined,
        packagingRequestQueue: queues.packagingRequest ? new sqs.Queue(stack, "PackagingRequestQueue", { fifo: true }) : undefined,
    });
    return app.synth().getStackByName(stack.stackName).template;
}
