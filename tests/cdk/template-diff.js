'use strict';
// What the migration may change in the service's synthesized CloudFormation, as one function:
// compare(before, after, { readOnly }) lists every difference the migration is not allowed to make.
// Allowed: each container's HealthCheck; with readOnly also its ReadonlyRootFilesystem (true) and
// MountPoints (/tmp from the task volume `tmp`), and the task definition's Volumes ([tmp]). Everything
// else, in every resource, must be identical: same resources, same containers in the same order, each
// keeping its name, image, command, environment, log configuration, stopTimeout, ports.

const TASK = 'AWS::ECS::TaskDefinition';
const TMP_MOUNT = [{ ContainerPath: '/tmp', ReadOnly: false, SourceVolume: 'tmp' }];
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function containersOf(task) {
  return (task.Properties.ContainerDefinitions || []);
}

function compareContainer(name, before, after, readOnly, out) {
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === 'HealthCheck') continue;
    if (readOnly && key === 'ReadonlyRootFilesystem') {
      if (after[key] !== true) out.push(`${name}: ReadonlyRootFilesystem is ${after[key]}, not true`);
      continue;
    }
    if (readOnly && key === 'MountPoints') {
      if (!same(after[key], [...(before[key] || []), ...TMP_MOUNT])) out.push(`${name}: MountPoints ${JSON.stringify(after[key])}, not /tmp from the tmp volume`);
      continue;
    }
    if (!same(before[key], after[key])) out.push(`${name}: ${key} changed: ${JSON.stringify(before[key])} -> ${JSON.stringify(after[key])}`);
  }
  if (readOnly && !('ReadonlyRootFilesystem' in after)) out.push(`${name}: ReadonlyRootFilesystem not set`);
  if (readOnly && !('MountPoints' in after)) out.push(`${name}: no MountPoints`);
}

function compare(before, after, { readOnly = false } = {}) {
  const out = [];
  const b = before.Resources;
  const a = after.Resources;
  for (const id of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (!(id in a)) { out.push(`resource ${id} (${b[id].Type}) removed`); continue; }
    if (!(id in b)) { out.push(`resource ${id} (${a[id].Type}) added`); continue; }
    if (b[id].Type !== TASK) {
      if (!same(b[id], a[id])) out.push(`resource ${id} (${b[id].Type}) changed`);
      continue;
    }
    const { ContainerDefinitions: bc, Volumes: bv, ...bRest } = b[id].Properties;
    const { ContainerDefinitions: ac, Volumes: av, ...aRest } = a[id].Properties;
    if (!same(bRest, aRest) || !same({ ...b[id], Properties: null }, { ...a[id], Properties: null })) out.push(`task definition ${id}: changed outside its containers and volumes`);
    const wantVolumes = readOnly ? [...(bv || []), { Name: 'tmp' }] : bv;
    if (!same(av, wantVolumes)) out.push(`task definition ${id}: Volumes ${JSON.stringify(av)}, want ${JSON.stringify(wantVolumes)}`);
    const names = (list) => (list || []).map((c) => c.Name);
    if (!same(names(bc), names(ac))) {
      out.push(`task definition ${id}: containers ${names(bc).join(', ')} became ${names(ac).join(', ')}`);
      continue;
    }
    bc.forEach((c, k) => compareContainer(c.Name, c, ac[k], readOnly, out));
  }
  return out;
}

module.exports = { compare, containersOf, TASK };
