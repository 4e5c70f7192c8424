import {initialBrowseFlow} from '../flows/browse/state.js';
import {initialCaFlow} from '../flows/ca/state.js';
import {initialGroupFlow} from '../flows/group/state.js';
import {initialIndividualFlow} from '../flows/individual/enrollment.js';
import {initialTestCertificatesFlow} from '../flows/test-certificates/state.js';
import {initialTestEnrollmentFlow} from '../flows/test-enrollment/state.js';
import type {WizardState} from './state.js';

/** Every flow as it starts, before the wizard knows the DPS's linked hubs. */
export const initialFlows = (): Pick<
  WizardState,
  'individual' | 'group' | 'ca' | 'testCertificates' | 'testEnrollment' | 'browse'
> => ({
  individual: initialIndividualFlow([]),
  group: initialGroupFlow([]),
  ca: initialCaFlow(),
  testCertificates: initialTestCertificatesFlow(),
  testEnrollment: initialTestEnrollmentFlow(),
  browse: initialBrowseFlow(),
});
