// Package auth turns the security schemes of OpenAPI descriptions into
// credentials on outgoing requests: HTTP bearer and basic, apiKey in a
// header, query or cookie, OAuth2 client credentials (token cached and
// refreshed) and OpenID Connect discovery of the token endpoint. It also
// computes the scopes a workflow needs (Scopes, for `arazzo scopes` and
// `describe`) and masks secrets for every output (Secrets, Redact,
// MaskHeader, StripOnRedirect).
//
// It depends on openapi and the standard library only; it must not import
// runtime, arazzo or cmd. The CLI parses --auth flags (ParseFlag) and the
// environment (FromEnv, EnvVar), lists the operations the workflow will
// call (Use), builds an Authenticator with New, and hands its Authenticate
// method to the executor (runtime.Options.Authenticate) and its
// StripOnRedirect method to the executor's http.Client.CheckRedirect.
//
// # Credentials
//
// --auth SCHEME=VALUE, SOURCE.SCHEME=VALUE or SCHEME=@FILE (one trailing
// newline of the file is dropped; any other line break is an error, a
// stray newline in a secret is always a mistake). The environment variable
// of a scheme is ARAZZO_AUTH_ + the name upper-cased with every character
// other than A-Z and 0-9 as '_' (SOURCE.SCHEME gives ARAZZO_AUTH_SOURCE_SCHEME).
// Values: bearer → the token; basic → user:password; apiKey → the key;
// oauth2 (clientCredentials flow) and openIdConnect → client_id:client_secret.
// A source-qualified credential wins over an unqualified one; for the same
// name the first one given wins (pass flags before the environment, so
// that a flag overrides a variable; every credential is checked even when
// it loses).
// An oauth2 scheme with only interactive flows (authorizationCode,
// implicit, password) is refused by New: a runner cannot complete them.
//
// # Choosing what to send
//
// For each request, the operation's effective security (its own, else the
// document's) is scanned in order and the first alternative whose schemes
// are all declared and all have credentials is applied. An empty
// alternative ({}, anonymous access) is used only when no other
// alternative is satisfiable, so that given credentials are used. When none
// is satisfiable the request goes without credentials (the server decides)
// unless Options.RequireCredentials, which fails the step with the --auth
// flags and variables that would satisfy it. When some of the schemes an
// operation needs together have credentials and the others do not (bearer
// AND apiKey required, only the token given), New records it and Partial
// lists it (once per operation, with the missing --auth flags): the CLI
// prints it as a warning, not a failure, because some APIs accept
// anonymous calls. CombinedSchemes lists, without credentials, the
// operations with an alternative of several schemes (for describe). A header, query parameter or
// cookie the request already has (the workflow set it) is never
// overwritten; an explicit Authorization header also means no token is
// fetched.
//
// Credentials go only to the source's own server: the request host (port
// included, default ports made explicit) must be the host of the server
// the executor uses, i.e. Options.Servers[source] when given, else the
// operation's (or document's) servers with Options.ServerVars and the
// variable defaults substituted, a relative server URL resolved against the
// description's http(s) location. Pass the executor's Servers and ServerVars
// here too. Any other host gets nothing and Authenticate returns a
// *HostError, which fails the step before anything is sent. On redirects,
// StripOnRedirect drops Authorization, Proxy-Authorization, Cookie and
// apiKey headers (of the descriptions, and common names such as X-API-Key)
// when the redirect leaves the first request's host or goes from https to
// http.
//
// # OAuth2 client credentials
//
// One token per (source, scheme) per Authenticator, requested for the union
// of the scopes of the alternatives the workflow's operations will take,
// in first-use order (the order of the steps: the Auth0 seed requests
// "create:resource_servers create:clients create:client_grants"); the scope
// report sorts instead. Options.Scopes replaces the union. An operation
// needing a scope outside the token's request (one the uses did not list)
// triggers a new token for the widened set. The token is refreshed
// min(30 s, expires_in/10) before it expires; without expires_in it lasts
// the run. Concurrent callers wait for one token request. When the token
// response lists its granted "scope" and lacks one an operation needs,
// Authenticate fails with a *ScopeError instead of sending a request bound
// to be refused.
//
// The tokenUrl (and an openIdConnectUrl) is resolved against the source's
// server URL with RFC 3986 reference resolution, as OpenAPI says for
// relative URLs: on https://tenant/api/v2, "/oauth/token/" gives
// https://tenant/oauth/token/ (a leading slash replaces the whole path)
// and "oauth/token" gives https://tenant/api/oauth/token (the last segment,
// "v2", is replaced; write "v2/oauth/token" or an absolute path to keep it).
//
// The form carries grant_type=client_credentials, scope (when non-empty)
// and the flow's x-form-parameters; a value starting with a single '/' is
// resolved against the server's origin, because Auth0 declares
// `audience: /api/v2/` and expects https://TENANT/api/v2/ (the Management
// API identifier, trailing slash included). x-form-parameters cannot
// override grant_type, scope, client_id or client_secret.
//
// Client authentication: HTTP Basic first (client_secret_basic, both halves
// form-encoded as RFC 6749 2.3.1 says); when that answer is a 401, or a 400
// invalid_client/invalid_request/unauthorized_client, the request is
// repeated once with client_id and client_secret in the form
// (client_secret_post, Auth0's default), and the style that worked is kept
// for refreshes. Token endpoint failures are a *TokenError with the HTTP
// status, the OAuth2 error and error_description (redacted and cut to one
// line) and a hint (invalid_client: check the id and secret; access_denied:
// grant the application the API and scopes; invalid_scope: the scopes
// requested).
//
// OpenID Connect: the discovery document is fetched once per URL and its
// token_endpoint used for the same client-credentials request (without
// x-form-parameters).
//
// # Secrets
//
// Secrets returns every credential value, the password or client secret on
// its own (when at least 4 bytes: shorter parts would shred output and hide
// nothing), the base64 forms sent in Basic headers, and every token
// obtained. Redact and Redactor replace each of them, and their base64 and
// URL-escaped forms, with "***". A secret shorter than 4 characters (a
// whole credential, or a secret input such as --input password=p) is
// masked only where its place is known: as a whole token, not preceded
// nor followed by a letter, digit or '_' — a JSON string value ("p"), a
// header value (X-Pin: p), a query value (pin=p&), a path segment, or a
// whole string given to the redactor. Elsewhere it is left alone, so that
// "output" does not become "out***ut": a 1-3 character secret is no secret,
// but it never appears as a JSON value or a header value. Errors, String and GoString of this
// package's types never contain a secret; error text from servers is
// redacted before it is kept.
package auth
