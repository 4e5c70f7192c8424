import type {CallOptions, DpsGateway} from '../../../dps/index.js';
import {callOptions, gatewayOf, toFailure} from '../../shared/dps-calls.js';
import type {EffectContext} from '../../shared/services.js';
import {pageSize, type BrowseEffect, type BrowseItem, type BrowseOutcome} from './state.js';

/** Runs the browse flow's effects: a page of a list, one item read again, one item deleted. */

async function readPage(
  gateway: DpsGateway,
  effect: Extract<BrowseEffect, {kind: 'browse-page'}>,
  options: CallOptions,
): Promise<BrowseOutcome> {
  const page = {
    pageSize,
    ...(effect.continuationToken === undefined
      ? {}
      : {continuationToken: effect.continuationToken}),
  };
  const read = <T>(items: T[], token: string | undefined, tag: (item: T) => BrowseItem) => ({
    kind: 'browse-page-read' as const,
    items: items.map(tag),
    ...(token === undefined ? {} : {continuationToken: token}),
  });
  switch (effect.tab) {
    case 'enrollments': {
      const {items, continuationToken} = await gateway.queryIndividualEnrollments(page, options);
      return read(items, continuationToken, (item) => ({tab: 'enrollments', item}));
    }
    case 'groups': {
      const {items, continuationToken} = await gateway.queryEnrollmentGroups(page, options);
      return read(items, continuationToken, (item) => ({tab: 'groups', item}));
    }
    case 'registrations': {
      const {items, continuationToken} = await gateway.queryRegistrationStates(
        effect.groupId ?? '',
        page,
        options,
      );
      return read(items, continuationToken, (item) => ({tab: 'registrations', item}));
    }
    case 'ca': {
      // ARM lists every CA certificate of the DPS in one answer.
      const certificates = await gateway.listCaCertificates(options);
      return read(certificates, undefined, (item) => ({tab: 'ca', item}));
    }
  }
}

async function readItem(
  gateway: DpsGateway,
  target: BrowseItem,
  options: CallOptions,
): Promise<BrowseItem> {
  switch (target.tab) {
    case 'enrollments':
      return {
        tab: 'enrollments',
        item: await gateway.getIndividualEnrollment(target.item.registrationId, options),
      };
    case 'groups':
      return {
        tab: 'groups',
        item: await gateway.getEnrollmentGroup(target.item.enrollmentGroupId, options),
      };
    case 'registrations':
      return {
        tab: 'registrations',
        item: await gateway.getRegistrationState(target.item.registrationId, options),
      };
    case 'ca':
      return {tab: 'ca', item: await gateway.getCaCertificate(target.item.name, options)};
  }
}

async function deleteItem(
  gateway: DpsGateway,
  target: BrowseItem,
  options: CallOptions,
): Promise<void> {
  switch (target.tab) {
    case 'enrollments':
      return gateway.deleteIndividualEnrollment(
        target.item.registrationId,
        target.item.etag,
        options,
      );
    case 'groups':
      return gateway.deleteEnrollmentGroup(
        target.item.enrollmentGroupId,
        target.item.etag,
        options,
      );
    case 'registrations':
      return gateway.deleteRegistrationState(target.item.registrationId, target.item.etag, options);
    case 'ca':
      return gateway.deleteCaCertificate(target.item.name, target.item.etag, options);
  }
}

export async function runBrowseEffect(
  effect: BrowseEffect,
  context: EffectContext,
): Promise<BrowseOutcome> {
  try {
    const gateway = gatewayOf(context);
    const options = callOptions(context);
    switch (effect.kind) {
      case 'browse-page':
        return await readPage(gateway, effect, options);
      case 'browse-read':
        return {kind: 'browse-item-read', item: await readItem(gateway, effect.target, options)};
      case 'browse-delete':
        await deleteItem(gateway, effect.target, options);
        return {kind: 'browse-deleted'};
    }
  } catch (error) {
    const failure = toFailure(error);
    switch (effect.kind) {
      case 'browse-page':
        return {kind: 'browse-page-failed', failure};
      case 'browse-read':
        return {kind: 'browse-item-failed', failure};
      case 'browse-delete':
        return {kind: 'browse-delete-failed', failure};
    }
  }
}
