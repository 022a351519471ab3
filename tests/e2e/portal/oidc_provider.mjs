// A real OpenID Connect provider (the `oidc-provider` package) standing in for the province SSO in
// tests/e2e/portal/test_oidc_sign_in.py. Its whole setup comes from the test, as JSON in the
// environment variable KINERJA_OIDC (see the test's `provider_config`):
//   port, package (the folder the package is installed in), jwk (the RSA private key, JWK),
//   client {client_id, client_secret, redirect_uri, post_logout_redirect_uri},
//   accounts {NIP: {name, agency, roles}}, audience (what the services verify: "kinerja").
// Access tokens are RS256 JWTs for the resource indicator below, carrying what the services read:
// sub (the NIP), agency, roles, iss and aud. Sign-in is the provider's own dev login form (any
// known NIP; the password is not checked) and its own consent page.
import http from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const setup = JSON.parse(process.env.KINERJA_OIDC);
const { default: Provider, errors } = await import(
  pathToFileURL(join(setup.package, 'node_modules', 'oidc-provider', 'lib', 'index.js')).href);

const RESOURCE = 'urn:kinerja:services';
const issuer = `http://127.0.0.1:${setup.port}`;
const accounts = setup.accounts;
const { client } = setup;

const provider = new Provider(issuer, {
  clients: [{
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: [client.redirect_uri],
    post_logout_redirect_uris: [client.post_logout_redirect_uri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  jwks: { keys: [setup.jwk] },
  pkce: { required: () => true }, // oidc-provider accepts S256 only
  scopes: ['openid', 'profile', 'kinerja'],
  claims: { openid: ['sub'], profile: ['name'] },
  cookies: { keys: ['kinerja-test-provider-cookie-key'] },
  async findAccount(_ctx, id) {
    if (!accounts[id]) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, name: accounts[id].name }) };
  },
  async extraTokenClaims(_ctx, token) {
    const account = accounts[token.accountId];
    if (token.kind !== 'AccessToken' || !account) return undefined;
    return { agency: account.agency, roles: account.roles };
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => RESOURCE, // the portal names no resource: Kinerja's services
      useGrantedResource: async () => true,
      async getResourceServerInfo(_ctx, indicator) {
        if (indicator !== RESOURCE) throw new errors.InvalidTarget();
        return { scope: 'kinerja', audience: setup.audience, accessTokenFormat: 'jwt', accessTokenTTL: 3600,
          jwt: { sign: { alg: 'RS256', kid: setup.jwk.kid } } };
      },
    },
  },
});

// Its own failures (a 500 at the token endpoint) go to stderr, which the test keeps in a log file.
provider.on('server_error', (_ctx, error) => console.error('server_error', error));

http.createServer(provider.callback()).listen(setup.port, '127.0.0.1', () => {
  process.stdout.write(`oidc-provider listening on ${issuer}\n`);
});
