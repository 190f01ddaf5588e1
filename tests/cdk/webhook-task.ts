// The ECS task definition of docker/MIGRATING.md as real CDK: the webhook's main container and its
// two worker containers, all from the one image, on a read-only root filesystem, each with the
// healthprobe health check that replaces `CMD-SHELL curl -f ...`. tests/cdk/synth.test.js compiles
// this file, synthesizes it offline and asserts the CloudFormation it produces; the part between
// the markers is quoted verbatim in docker/MIGRATING.md (the test checks that too).
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';

// <migrating>
const PROBE = '/usr/local/bin/healthprobe';

// The probe's own deadline (3 s) stays below ECS's timeout (5 s): the probe always ends the check
// itself, so `docker exec`/ECS Exec `healthprobe` shows the same reason ECS acted on.
const probeHealthCheck = (startPeriod: Duration): ecs.HealthCheck => ({
  command: ['CMD', PROBE, '--timeout', '3s'],
  interval: Duration.seconds(30),
  timeout: Duration.seconds(5),
  retries: 3,
  startPeriod,
});

export function addWebhookContainers(task: ecs.FargateTaskDefinition, image: ecs.ContainerImage): void {
  // The image writes only /dev/shm (gunicorn's heartbeat; every task has it) and, for libraries,
  // /tmp (XDG_CACHE_HOME=/tmp/.cache): one task-local volume, the root stays read-only.
  task.addVolume({ name: 'tmp' });
  const tmp: ecs.MountPoint = { containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false };

  const web = task.addContainer('BenchlingWebhookContainer', {
    image,
    essential: true,
    readonlyRootFilesystem: true,
    portMappings: [{ containerPort: 8080 }],
    logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'webhook' }),
    // Was ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1']: the image has no curl.
    // The probe reads PORT, HEALTHPROBE_VENV, HEALTHPROBE_REQUIRE and HEALTHPROBE_WRITABLE from the image.
    healthCheck: probeHealthCheck(Duration.seconds(60)),
  });
  web.addMountPoints(tmp);

  // Workers run no HTTP server: HEALTHPROBE_URL=none turns the HTTP check off, and the probe checks
  // what a consumer needs (the venv's interpreter and distributions, its scratch dir). Whether the
  // consumer loop is alive is essential:true's job (its exit stops the task) and the queue's metrics'.
  for (const [id, module] of [['SqsConsumer', 'src.sqs_consumer'], ['PackagingConsumer', 'src.packaging_consumer']]) {
    const worker = task.addContainer(id, {
      image,
      essential: true,
      readonlyRootFilesystem: true,
      command: ['python', '-m', module],
      environment: { HEALTHPROBE_URL: 'none', HEALTHPROBE_WRITABLE: '/tmp' },
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: module }),
      healthCheck: probeHealthCheck(Duration.seconds(30)),
    });
    worker.addMountPoints(tmp);
  }
}
// </migrating>

// The stack the test synthesizes: the task definition alone (no VPC, no cluster, no asset).
export function synthesize(outdir: string): Record<string, unknown> {
  const app = new App({ outdir });
  const stack = new Stack(app, 'WebhookTask', { env: { account: '123456789012', region: 'us-east-1' } });
  const task = new ecs.FargateTaskDefinition(stack, 'Task', { cpu: 1024, memoryLimitMiB: 2048 });
  addWebhookContainers(task, ecs.ContainerImage.fromRegistry('example.invalid/benchling-webhook:0.18.0'));
  const assembly = app.synth();
  return assembly.getStackByName(stack.stackName).template as Record<string, unknown>;
}
