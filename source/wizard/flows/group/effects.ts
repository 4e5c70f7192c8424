import type {DpsGateway} from '../../../dps/types.js';
import {
  readIfPresent,
  toFailure,
  withThrottleRetry,
  type EffectContext,
} from '../../runtime/task-runner.js';
import type {GroupResult, GroupTask, PreflightReport} from './flow.js';
import type {Action} from '../../core/reducer.js';

/** Runs the effects of the group flow with the services and connection of the context. */
export async function runGroupTask(
  task: GroupTask,
  context: EffectContext,
): Promise<Action | undefined> {
  const result = (value: GroupResult): Action => ({type: 'group', taskId: task.id, result: value});
  switch (task.kind) {
    case 'save-group': {
      const gateway = context.connection.current?.gateway;
      if (!gateway) {
        return result({
          kind: 'failed',
          failure: {kind: 'network', message: 'not connected to DPS'},
        });
      }
      try {
        const onWait = (retryAfterSeconds: number, attempt: number) =>
          context.dispatch(result({kind: 'throttled', retryAfterSeconds, attempt}));
        return result(await withThrottleRetry(context, onWait, () => saveGroup(task, gateway)));
      } catch (error) {
        return result({kind: 'failed', failure: toFailure(error)});
      }
    }
    case 'check-group-device':
      try {
        return result({kind: 'preflight', report: await checkGroupDevice(task)});
      } catch (error) {
        const message = `the certificates could not be checked: ${toFailure(error).message}`;
        const failed: PreflightReport = {
          registrationId: undefined,
          anchor: undefined,
          links: [],
          findings: [{severity: 'error', code: 'chain-unreadable', message}],
        };
        return result({kind: 'preflight', report: failed});
      }
  }
}

/** Creating never overwrites: a group with this ID is shown first, and updated only with its etag. */
async function saveGroup(
  task: Extract<GroupTask, {kind: 'save-group'}>,
  gateway: DpsGateway,
): Promise<GroupResult> {
  const {group} = task;
  if (!group.etag) {
    const existing = await readIfPresent(() => gateway.getEnrollmentGroup(group.enrollmentGroupId));
    if (existing) return {kind: 'exists', existing};
  }
  return {kind: 'saved', group: await gateway.createOrUpdateEnrollmentGroup(group)};
}

/**
 * The pre-flight of one device of the group: does its chain reach the group's certificate (the primary or,
 * failing that, the secondary), and is its CN a valid registration ID. The certificate toolkit loads here,
 * on first use.
 */
export async function checkGroupDevice(
  task: Extract<GroupTask, {kind: 'check-group-device'}>,
): Promise<PreflightReport> {
  const {X509Certificate} = await import('node:crypto');
  const {checkChain, checkRegistrationId} = await import('../../../certs/check.js');
  const {commonNameOf} = await import('../../../certs/inspect.js');
  const leaf = new X509Certificate(task.leafPem);
  const chain = task.chainPems.map((pem) => new X509Certificate(pem));
  const anchors = task.anchorPems.map((pem) => new X509Certificate(pem));
  const attempts = (anchors.length > 0 ? anchors : [undefined]).map((anchor) => ({
    anchor,
    checked: checkChain(leaf, chain, anchor ? {trustAnchor: anchor} : {}),
  }));
  const passed = attempts.find(
    (attempt) => !attempt.checked.findings.some((finding) => finding.severity === 'error'),
  );
  const {anchor, checked} = passed ?? attempts[0]!;
  const registrationId = commonNameOf(leaf.subject);
  return {
    registrationId,
    anchor: anchor ? nameOf(anchor.subject, commonNameOf) : undefined,
    links: checked.links.map((link) => ({
      subject: nameOf(link.subject, commonNameOf),
      signedBy: link.signedBy === undefined ? undefined : nameOf(link.signedBy, commonNameOf),
      ok: link.ok,
    })),
    findings: [
      ...checked.findings,
      ...(registrationId === undefined
        ? [
            {
              severity: 'error' as const,
              code: 'registration-id-empty',
              message:
                'the certificate has no CN: a device registers with its CN as registration ID',
              hint: 'issue the device certificate with CN = the device name',
            },
          ]
        : checkRegistrationId(registrationId)),
    ],
  };
}

const nameOf = (subject: string, commonNameOf: (name: string) => string | undefined) =>
  commonNameOf(subject) ?? subject.replace(/\n/g, ', ');
