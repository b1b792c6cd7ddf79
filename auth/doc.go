// Package auth turns the security schemes of OpenAPI descriptions into
// credentials on outgoing requests: HTTP bearer and basic, apiKey in a
// header, query or cookie, OAuth2 client credentials (with token caching and
// refresh) and OpenID Connect discovery of the token endpoint. It also
// computes the scopes a workflow needs (Scopes), and masks secrets for
// every output (Secrets, Redact, MaskHeader).
//
// It depends on openapi and the standard library only; it must not import
// runtime, arazzo or cmd. The CLI builds an Authenticator and hands its
// Authenticate method to the executor as its per-request hook.
package auth
