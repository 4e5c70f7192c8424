import {test} from 'node:test';
import assert from 'node:assert/strict';
import {inspect} from 'node:util';
import {isDpsError} from '../../source/dps/errors.js';
import {
  createAzureCredential,
  SignInCancelledError,
  type DeviceCodePrompt,
} from '../../source/dps/sign-in.js';
import {
  signInAt,
  startFakeAuthority,
  withFakeAzureCli,
  type FakeAuthority,
} from '../helpers/fake-authority.js';

const armScope = 'https://management.azure.com/.default';
const accessToken = `fake-access-token-${'x'.repeat(24)}`;

/** Runs `body` with console.log recorded instead of printed; returns what was logged. */
async function recordingConsole(body: () => Promise<void>): Promise<string[]> {
  const logged: string[] = [];
  const original = console.log;
  console.log = (...values: unknown[]) => logged.push(values.map(String).join(' '));
  try {
    await body();
  } finally {
    console.log = original;
  }
  return logged;
}

async function withAuthority(
  options: Parameters<typeof startFakeAuthority>[0],
  body: (authority: FakeAuthority) => Promise<void>,
) {
  const authority = await startFakeAuthority(options);
  try {
    await body(authority);
    assert.deepEqual(authority.unknownRequests, []);
  } finally {
    await authority.close();
  }
}

test('device code: the prompt goes to onPrompt (never console.log), then the token arrives', async () => {
  await withAuthority({accessToken, pendingPolls: 1}, async (authority) => {
    const prompts: DeviceCodePrompt[] = [];
    const logged = await recordingConsole(async () => {
      const credential = await createAzureCredential({
        deviceCode: {onPrompt: (prompt) => prompts.push(prompt)},
        ...signInAt(authority),
      });
      const token = await credential.getToken(armScope);
      assert.equal(token?.token, accessToken);
      // Later requests come from the sign-in's cache, whether they ask with CAE (as the ARM pipeline
      // does) or not, and for the DPS service scope too (refresh token): no second prompt.
      assert.equal((await credential.getToken(armScope))?.token, accessToken);
      assert.equal((await credential.getToken(armScope, {enableCae: true}))?.token, accessToken);
      const service = await credential.getToken('https://azure-devices-provisioning.net/.default');
      assert.equal(service?.token, accessToken);
    });
    assert.equal(authority.prompts.length, 1);
    assert.equal(authority.prompts[0]!.scope, armScope);
    assert.equal(authority.prompts[0]!.tenant, 'organizations');
    assert.equal(authority.tokenPolls(), 2, 'one authorization_pending, then the token');
    assert.equal(prompts.length, 1);
    const [prompt] = prompts;
    assert.equal(prompt!.userCode, authority.prompts[0]!.userCode);
    assert.equal(prompt!.verificationUri, `${authority.url}/devicelogin`);
    assert.match(prompt!.message, new RegExp(prompt!.userCode));
    const lifetime = prompt!.expiresOn.getTime() - Date.now();
    assert.ok(lifetime > 800_000 && lifetime <= 900_000, `expires in ${lifetime} ms`);
    assert.deepEqual(
      logged.filter((line) => line.includes(prompt!.userCode)),
      [],
      'the prompt was not printed',
    );
  });
});

test('device code with a tenant signs in against that tenant', async () => {
  await withAuthority({accessToken, pendingPolls: 0}, async (authority) => {
    const credential = await createAzureCredential({
      deviceCode: {onPrompt: () => {}},
      tenantId: 'contoso.onmicrosoft.com',
      ...signInAt(authority),
    });
    assert.equal((await credential.getToken(armScope))?.token, accessToken);
    assert.equal(authority.prompts[0]?.tenant, 'contoso.onmicrosoft.com');
  });
});

test('aborting while a device-code poll is in flight rejects at once with SignInCancelledError', async () => {
  // The first poll is answered authorization_pending; the second one gets no answer at all.
  await withAuthority(
    {accessToken, pendingPolls: Infinity, interval: 1, holdPollsFrom: 2},
    async (authority) => {
      const controller = new AbortController();
      const credential = await createAzureCredential({
        deviceCode: {onPrompt: () => {}},
        abortSignal: controller.signal,
        ...signInAt(authority),
      });
      const attempt = credential.getToken(armScope);
      await authority.waitForPolls(2);
      controller.abort();
      await assert.rejects(attempt, SignInCancelledError);
      assert.equal(authority.tokenPolls(), 2);
      assert.equal(authority.prompts.length, 1);
    },
  );
});

test('the abort signal reaches every later token request too', async () => {
  await withAuthority({accessToken, pendingPolls: 0}, async (authority) => {
    const controller = new AbortController();
    const credential = await createAzureCredential({
      deviceCode: {onPrompt: () => {}},
      abortSignal: controller.signal,
      ...signInAt(authority),
    });
    assert.equal((await credential.getToken(armScope))?.token, accessToken);
    controller.abort();
    await assert.rejects(credential.getToken(armScope), SignInCancelledError);
    await assert.rejects(
      credential.getToken('https://azure-devices-provisioning.net/.default'),
      SignInCancelledError,
    );
    await assert.rejects(
      createAzureCredential({deviceCode: {onPrompt: () => {}}, abortSignal: controller.signal}),
      SignInCancelledError,
    );
    assert.equal(authority.prompts.length, 1, 'nothing more was asked of the authority');
  });
});

test('a device-code sign-in the authority refuses is unauthorized, without the token', async () => {
  await withAuthority(
    {accessToken, pendingPolls: 1, finalError: 'expired_token'},
    async (authority) => {
      const credential = await createAzureCredential({
        deviceCode: {onPrompt: () => {}},
        ...signInAt(authority),
      });
      await assert.rejects(credential.getToken(armScope), (error: unknown) => {
        assert.ok(isDpsError(error, 'unauthorized'), String(error));
        assert.match(error.message, /^sign in to Azure failed/);
        assert.match(error.message, /device-code sign-in did not complete/);
        assert.ok(!inspect(error).includes(accessToken));
        return true;
      });
    },
  );
});

test('DefaultAzureCredential without az login is unauthorized and says what to do', async () => {
  await withFakeAzureCli(undefined, async () => {
    const credential = await createAzureCredential({});
    await assert.rejects(credential.getToken(armScope), (error: unknown) => {
      assert.ok(isDpsError(error, 'unauthorized'), String(error));
      assert.match(error.message, /run az login/);
      assert.match(error.message, /AZURE_CLIENT_ID/);
      assert.match(error.message, /--device-code/);
      return true;
    });
  });
});

test('DefaultAzureCredential uses the Azure CLI sign-in when there is one', async () => {
  await withFakeAzureCli(accessToken, async () => {
    const credential = await createAzureCredential({});
    assert.equal((await credential.getToken(armScope))?.token, accessToken);
  });
});
