// A real OpenID Provider for the tests (panva/oidc-provider), shaped like ID-porten:
// code flow with PKCE, `pid` and `acr` in the id_token, RP-initiated logout.
// Listens on 127.0.0.1 only. Configuration comes from the environment:
//   OP_PORT, RP_BASE (the gateway's base URL), OP_USERS (JSON: {accountId: pid}).
// Test login: GET /interaction/:uid shows a form; POST /interaction/:uid/login with
// user=<accountId>&acr=<idporten-loa-high|idporten-loa-substantial>.
import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const PORT = Number(process.env.OP_PORT);
const ISSUER = `http://127.0.0.1:${PORT}`;
const RP = process.env.RP_BASE;
const USERS = JSON.parse(process.env.OP_USERS || '{}');
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', use: 'sig', alg: 'RS256' };

const provider = new Provider(ISSUER, {
  clients: [{
    client_id: 'stafettlogg-test',
    client_secret: 'test-only-secret-0123456789abcdef',
    token_endpoint_auth_method: 'client_secret_post',
    redirect_uris: [`${RP}/auth/callback`],
    post_logout_redirect_uris: [`${RP}/`],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    backchannel_logout_uri: `${RP}/auth/backchannel-logout`,
    backchannel_logout_session_required: true,
  }],
  jwks: { keys: [jwk] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  acrValues: ['idporten-loa-substantial', 'idporten-loa-high'],
  claims: { openid: ['sub', 'pid', 'locale'] },
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true },
    backchannelLogout: { enabled: true },
  },
  async findAccount(ctx, id) {
    if (!(id in USERS)) return undefined;
    return { accountId: id, async claims() { return { sub: id, pid: USERS[id], locale: 'nb' }; } };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid');
    await grant.save();
    return grant;
  },
  // Test only: the relying party lives on loopback, which oidc-provider's SSRF guard refuses
  // for back-channel logout calls. Production ID-porten calls a public address.
  fetch: (url, options) => {
    delete options.dispatcher;
    return globalThis.fetch(url, options);
  },
  ttl: { IdToken: 120, AccessToken: 120, AuthorizationCode: 60, Session: 3600,
         Interaction: 600, Grant: 3600 },
});

provider.on('backchannel.success', (ctx, client) => console.log(`backchannel ok ${client.clientId}`));
provider.on('backchannel.error', (ctx, error) => console.log(`backchannel error ${error} ${error.cause ?? ''}`));

createServer(async (req, res) => {
  const match = req.url.match(/^\/interaction\/([\w-]+)(\/login)?/);
  if (!match) return provider.callback()(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET') {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      return res.end(`<!doctype html><html lang="nb"><title>Test-ID</title><main>
        <h1>Test-innlogging</h1>
        <form method="post" action="/interaction/${details.uid}/login">
          <label for="user">Bruker</label> <input id="user" name="user">
          <label for="acr">Nivå</label>
          <select id="acr" name="acr"><option>idporten-loa-high</option>
          <option>idporten-loa-substantial</option></select>
          <button type="submit">Logg inn</button></form></main></html>`);
    }
    let body = '';
    for await (const chunk of req) body += chunk;
    const form = new URLSearchParams(body);
    const acr = form.get('acr') || 'idporten-loa-high';
    return provider.interactionFinished(req, res, {
      login: { accountId: form.get('user'), acr, amr: [acr.endsWith('high') ? 'BankID' : 'MinID'] },
    }, { mergeWithLastSubmission: false });
  } catch (error) {
    res.statusCode = 400;
    return res.end(String(error));
  }
}).listen(PORT, '127.0.0.1', () => console.log(`op ready ${ISSUER}`));
