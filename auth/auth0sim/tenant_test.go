package auth0sim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// req sends a request with a token holding every scope and returns the
// status and the decoded body (nil when empty).
func (f *fixture) req(t *testing.T, method, path, body string) (int, any) {
	t.Helper()
	if f.all == "" {
		f.all = "Bearer " + f.sim.IssueToken(Scopes()...)
	}
	r, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Authorization", f.all)
	r.Header.Set("Content-Type", "application/json")
	resp, err := f.srv.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var v any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("%s %s: body is not JSON: %q", method, path, raw)
		}
	}
	return resp.StatusCode, v
}

func (f *fixture) seed(t *testing.T, kind string, obj map[string]any) string {
	t.Helper()
	id, err := f.sim.Seed(kind, obj)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// tenantFixture seeds a database connection, two users, two roles, an API
// with two scopes and a web application with a login route.
type tenantFixture struct {
	*fixture
	conn, alice, bob, support, billing, client string
}

func newTenant(t *testing.T) *tenantFixture {
	f := &tenantFixture{fixture: newFixture(t)}
	f.conn = f.seed(t, "connections", map[string]any{"name": "Username-Password-Authentication", "strategy": "auth0"})
	f.alice = f.seed(t, "users", map[string]any{"connection": "Username-Password-Authentication", "email": "Alice@Example.com", "password": "correct-horse"})
	f.bob = f.seed(t, "users", map[string]any{"connection": "Username-Password-Authentication", "email": "bob@example.com", "password": "correct-horse"})
	f.support = f.seed(t, "roles", map[string]any{"name": "Support agent"})
	f.billing = f.seed(t, "roles", map[string]any{"name": "Billing admin"})
	f.seed(t, "resource-servers", map[string]any{"name": "Orders API", "identifier": "https://orders.test/api",
		"scopes": []map[string]any{{"value": "read:orders", "description": "Read orders"}, {"value": "write:orders"}}})
	f.client = f.seed(t, "clients", map[string]any{"name": "Portal", "initiate_login_uri": "https://portal.test/login"})
	return f
}

func field(v any, path ...string) any {
	for _, p := range path {
		m, _ := v.(map[string]any)
		v = m[p]
	}
	return v
}

func ids(v any, key string) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		out = append(out, str(field(x, key)))
	}
	return out
}

type step struct {
	name, method, path, body string
	status                   int
	check                    func(t *testing.T, body any)
}

func (f *tenantFixture) run(t *testing.T, steps []step) {
	t.Helper()
	for _, s := range steps {
		status, body := f.req(t, s.method, s.path, s.body)
		if status != s.status {
			t.Errorf("%s: %s %s: %d %v, want %d", s.name, s.method, s.path, status, body, s.status)
			continue
		}
		if status >= 400 && (field(body, "statusCode") != float64(status) || field(body, "message") == "") {
			t.Errorf("%s: error body %v, want Auth0's {statusCode, error, message}", s.name, body)
		}
		if s.check != nil {
			s.check(t, body)
		}
	}
}

func TestSeed(t *testing.T) {
	f := newTenant(t)
	if !strings.HasPrefix(f.alice, "auth0|") || !strings.HasPrefix(f.support, "rol_") || !strings.HasPrefix(f.conn, "con_") || len(f.client) != 32 {
		t.Errorf("ids: %q %q %q %q", f.alice, f.support, f.conn, f.client)
	}
	for _, tc := range []struct {
		kind string
		obj  map[string]any
		want string
	}{
		{"widgets", map[string]any{}, "unknown kind"},
		{"users", map[string]any{"connection": "nope", "email": "c@example.com", "password": "12345678"}, "connection does not exist"},
		{"users", map[string]any{"connection": "Username-Password-Authentication", "email": "c@example.com", "password": "short"}, "too weak"},
		{"users", map[string]any{"connection": "Username-Password-Authentication", "email": "alice@example.com", "password": "12345678"}, "already exists"},
		{"roles", map[string]any{"name": "Support agent"}, "already exists"},
		{"grants", map[string]any{"user_id": "auth0|nobody", "clientID": "x", "audience": "y"}, "does not exist"},
	} {
		if _, err := f.sim.Seed(tc.kind, tc.obj); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Seed(%s, %v) = %v, want %q", tc.kind, tc.obj, err, tc.want)
		}
	}
	if n := len(f.sim.Requests()); n != 0 {
		t.Errorf("seeding logged %d requests", n)
	}
	if users := f.sim.Objects("users"); len(users) != 2 || users[0]["password"] != nil || users[0]["email"] != "alice@example.com" {
		t.Errorf("users %v: want 2, emails lower-cased, no password", users)
	}
}

// Every served operation requires one of its scopes, as Auth0 does.
func TestRoutesRequireTheirScopes(t *testing.T) {
	f := newFixture(t)
	for _, r := range routes {
		path := "/api/v2/" + strings.ReplaceAll(r.pattern, "*", "x")
		none := "Bearer " + f.sim.IssueToken("read:nothing")
		if s, _, b := f.do(t, r.method, path, none, "{}"); s != 403 || b["errorCode"] != "insufficient_scope" {
			t.Errorf("%s %s without its scope: %d %v", r.method, r.pattern, s, b)
		}
		one := "Bearer " + f.sim.IssueToken(r.scopes[len(r.scopes)-1])
		if s, _, b := f.do(t, r.method, path, one, "{}"); s == 403 || s == 401 {
			t.Errorf("%s %s with %s: %d %v", r.method, r.pattern, r.scopes[len(r.scopes)-1], s, b)
		}
	}
	all := Scopes()
	for _, want := range []string{"create:client_grants", "create:organization_invitations", "delete:grants", "read:users", "update:connections"} {
		if !has(all, want) {
			t.Errorf("Scopes() lacks %s", want)
		}
	}
}

func TestUsers(t *testing.T) {
	f := newTenant(t)
	var carol string
	f.run(t, []step{
		{"no connection", "POST", "/api/v2/users", `{"email":"c@example.com","password":"12345678"}`, 400, nil},
		{"unknown connection", "POST", "/api/v2/users", `{"connection":"ldap","email":"c@example.com","password":"12345678"}`, 400, nil},
		{"database user without password", "POST", "/api/v2/users", `{"connection":"Username-Password-Authentication","email":"c@example.com"}`, 400, nil},
		{"weak password", "POST", "/api/v2/users", `{"connection":"Username-Password-Authentication","email":"c@example.com","password":"1234"}`, 400, nil},
		{"bad email", "POST", "/api/v2/users", `{"connection":"Username-Password-Authentication","email":"carol","password":"12345678"}`, 400, nil},
		{"create", "POST", "/api/v2/users", `{"connection":"Username-Password-Authentication","email":"carol@example.com","password":"12345678"}`, 201, func(t *testing.T, b any) {
			carol = str(field(b, "user_id"))
			if !strings.HasPrefix(carol, "auth0|") || field(b, "password") != nil || field(b, "email") != "carol@example.com" || field(b, "created_at") == nil {
				t.Errorf("user %v", b)
			}
		}},
		{"duplicate", "POST", "/api/v2/users", `{"connection":"Username-Password-Authentication","email":"carol@example.com","password":"12345678"}`, 409, nil},
		// The user id holds '|': a client escapes it (%7C) or not.
		{"get escaped", "GET", "/api/v2/users/" + url.PathEscape(f.alice), "", 200, func(t *testing.T, b any) {
			if field(b, "user_id") != f.alice {
				t.Errorf("user %v", b)
			}
		}},
		{"get raw", "GET", "/api/v2/users/" + f.bob, "", 200, nil},
		{"get unknown", "GET", "/api/v2/users/auth0|nobody", "", 404, nil},
		{"by email: exact", "GET", "/api/v2/users-by-email?email=alice%40example.com", "", 200, func(t *testing.T, b any) {
			if got := ids(b, "user_id"); len(got) != 1 || got[0] != f.alice {
				t.Errorf("found %v", got)
			}
		}},
		{"by email: case-sensitive", "GET", "/api/v2/users-by-email?email=ALICE%40example.com", "", 200, func(t *testing.T, b any) {
			if got := ids(b, "user_id"); len(got) != 0 {
				t.Errorf("found %v", got)
			}
		}},
		{"by email: required", "GET", "/api/v2/users-by-email", "", 400, nil},
		{"roles", "POST", "/api/v2/users/" + f.alice + "/roles", `{"roles":["` + f.support + `","` + f.billing + `"]}`, 204, nil},
		{"unknown role", "POST", "/api/v2/users/" + f.alice + "/roles", `{"roles":["rol_nope"]}`, 400, nil},
		{"roles of unknown user (no 404 documented)", "POST", "/api/v2/users/auth0|nobody/roles", `{"roles":["` + f.support + `"]}`, 400, nil},
		{"list roles", "GET", "/api/v2/users/" + f.alice + "/roles", "", 200, func(t *testing.T, b any) {
			if got := ids(b, "id"); len(got) != 2 {
				t.Errorf("roles %v", got)
			}
		}},
		{"permissions", "POST", "/api/v2/users/" + f.bob + "/permissions", `{"permissions":[{"resource_server_identifier":"https://orders.test/api","permission_name":"read:orders"}]}`, 201, func(t *testing.T, b any) {
			if b != nil {
				t.Errorf("body %v, want none (documented without content)", b)
			}
		}},
		{"undefined permission", "POST", "/api/v2/users/" + f.bob + "/permissions", `{"permissions":[{"resource_server_identifier":"https://orders.test/api","permission_name":"delete:orders"}]}`, 400, nil},
		{"unknown API", "POST", "/api/v2/users/" + f.bob + "/permissions", `{"permissions":[{"resource_server_identifier":"https://none.test","permission_name":"read:orders"}]}`, 400, nil},
		{"list permissions", "GET", "/api/v2/users/" + f.bob + "/permissions", "", 200, func(t *testing.T, b any) {
			list, _ := b.([]any)
			if len(list) != 1 || field(list[0], "resource_server_name") != "Orders API" || field(list[0], "description") != "Read orders" || field(list[0], "sources") == nil {
				t.Errorf("permissions %v", b)
			}
		}},
		{"permissions of unknown user", "GET", "/api/v2/users/auth0|nobody/permissions", "", 404, nil},
	})
}

func TestRoles(t *testing.T) {
	f := newTenant(t)
	var role string
	f.run(t, []step{
		{"create (200 as documented)", "POST", "/api/v2/roles", `{"name":"Order viewer","description":"Reads orders"}`, 200, func(t *testing.T, b any) {
			role = str(field(b, "id"))
			if !strings.HasPrefix(role, "rol_") || field(b, "name") != "Order viewer" {
				t.Errorf("role %v", b)
			}
		}},
		{"duplicate", "POST", "/api/v2/roles", `{"name":"Order viewer"}`, 409, nil},
		{"unknown property", "POST", "/api/v2/roles", `{"name":"x","color":"red"}`, 400, nil},
		{"null description", "POST", "/api/v2/roles", `{"name":"x","description":null}`, 400, nil},
		{"name filter, case-insensitive", "GET", "/api/v2/roles?name_filter=SUPPORT", "", 200, func(t *testing.T, b any) {
			if got := ids(b, "id"); len(got) != 1 || got[0] != f.support {
				t.Errorf("found %v", got)
			}
		}},
	})
	f.run(t, []step{
		{"permissions", "POST", "/api/v2/roles/" + role + "/permissions", `{"permissions":[{"resource_server_identifier":"https://orders.test/api","permission_name":"read:orders"}]}`, 201, nil},
		{"permissions of unknown role (no 404 documented)", "POST", "/api/v2/roles/rol_nope/permissions", `{"permissions":[{"resource_server_identifier":"https://orders.test/api","permission_name":"read:orders"}]}`, 400, nil},
		{"list permissions", "GET", "/api/v2/roles/" + role + "/permissions", "", 200, func(t *testing.T, b any) {
			if got := ids(b, "permission_name"); len(got) != 1 || got[0] != "read:orders" {
				t.Errorf("permissions %v", b)
			}
		}},
		{"list permissions of unknown role", "GET", "/api/v2/roles/rol_nope/permissions", "", 404, nil},
		{"users (200 as documented)", "POST", "/api/v2/roles/" + role + "/users", `{"users":["` + f.alice + `","` + f.bob + `"]}`, 200, nil},
		{"unknown user", "POST", "/api/v2/roles/" + role + "/users", `{"users":["auth0|nobody"]}`, 400, nil},
		{"users of unknown role", "POST", "/api/v2/roles/rol_nope/users", `{"users":["` + f.alice + `"]}`, 404, nil},
		{"empty users", "POST", "/api/v2/roles/" + role + "/users", `{"users":[]}`, 400, nil},
		{"list users", "GET", "/api/v2/roles/" + role + "/users", "", 200, func(t *testing.T, b any) {
			if got := ids(b, "user_id"); len(got) != 2 || got[0] != f.alice {
				t.Errorf("users %v", got)
			}
		}},
	})
	if got := f.sim.RoleUsers(role); len(got) != 2 {
		t.Errorf("RoleUsers %v", got)
	}
}

func TestOrganizations(t *testing.T) {
	f := newTenant(t)
	var org string
	f.run(t, []step{
		{"create", "POST", "/api/v2/organizations", `{"name":"acme","display_name":"Acme"}`, 201, func(t *testing.T, b any) {
			org = str(field(b, "id"))
			if !strings.HasPrefix(org, "org_") || field(b, "display_name") != "Acme" {
				t.Errorf("org %v", b)
			}
		}},
		{"duplicate", "POST", "/api/v2/organizations", `{"name":"acme"}`, 409, nil},
		{"upper-case name", "POST", "/api/v2/organizations", `{"name":"Acme"}`, 400, nil},
		{"empty display name", "POST", "/api/v2/organizations", `{"name":"globex","display_name":""}`, 400, nil},
	})
	base := "/api/v2/organizations/" + org
	f.run(t, []step{
		{"get", "GET", base, "", 200, nil},
		{"get unknown (no 404 documented)", "GET", "/api/v2/organizations/org_nope", "", 400, nil},
		{"members (204 as documented)", "POST", base + "/members", `{"members":["` + f.alice + `"]}`, 204, nil},
		{"unknown member", "POST", base + "/members", `{"members":["auth0|nobody"]}`, 400, nil},
		{"members of unknown org (no 404 documented)", "POST", "/api/v2/organizations/org_nope/members", `{"members":["` + f.alice + `"]}`, 400, nil},
		{"list members", "GET", base + "/members", "", 200, func(t *testing.T, b any) {
			if got := ids(b, "user_id"); len(got) != 1 || got[0] != f.alice || field(b.([]any)[0], "email") != "alice@example.com" {
				t.Errorf("members %v", b)
			}
		}},
		{"member roles", "POST", base + "/members/" + f.alice + "/roles", `{"roles":["` + f.support + `"]}`, 204, nil},
		{"roles of a non-member", "POST", base + "/members/" + f.bob + "/roles", `{"roles":["` + f.support + `"]}`, 400, nil},
		{"unknown role", "POST", base + "/members/" + f.alice + "/roles", `{"roles":["rol_nope"]}`, 400, nil},
		{"list member roles", "GET", base + "/members/" + f.alice + "/roles", "", 200, func(t *testing.T, b any) {
			if got := ids(b, "id"); len(got) != 1 || got[0] != f.support {
				t.Errorf("roles %v", got)
			}
		}},
	})
	if got := f.sim.Members(org); len(got) != 1 || got[0] != f.alice {
		t.Errorf("Members %v", got)
	}
}

// An organization connection is found after it is added (it once was not),
// and an invitation carries its invitation_url, built from the client's
// login route as Auth0 does.
func TestOrganizationConnectionsAndInvitations(t *testing.T) {
	f := newTenant(t)
	_, b := f.req(t, "POST", "/api/v2/organizations", `{"name":"hooli"}`)
	org := str(field(b, "id"))
	base := "/api/v2/organizations/" + org
	plain := f.seed(t, "clients", map[string]any{"name": "No login route"})
	var inv, invURL string
	f.run(t, []step{
		{"add connection", "POST", base + "/connections", `{"connection_id":"` + f.conn + `","assign_membership_on_login":true}`, 201, func(t *testing.T, b any) {
			if field(b, "connection_id") != f.conn || field(b, "assign_membership_on_login") != true || field(b, "connection", "strategy") != "auth0" {
				t.Errorf("organization connection %v", b)
			}
		}},
		{"get it", "GET", base + "/connections/" + f.conn, "", 200, func(t *testing.T, b any) {
			if field(b, "connection_id") != f.conn || field(b, "connection", "name") != "Username-Password-Authentication" {
				t.Errorf("organization connection %v", b)
			}
		}},
		{"list", "GET", base + "/connections", "", 200, func(t *testing.T, b any) {
			if got := ids(b, "connection_id"); len(got) != 1 {
				t.Errorf("connections %v", got)
			}
		}},
		{"get one not added", "GET", base + "/connections/con_nope", "", 404, nil},
		{"get in unknown org", "GET", "/api/v2/organizations/org_nope/connections/" + f.conn, "", 404, nil},
		{"duplicate", "POST", base + "/connections", `{"connection_id":"` + f.conn + `"}`, 409, nil},
		{"unknown connection", "POST", base + "/connections", `{"connection_id":"con_nope"}`, 400, nil},
		{"non-boolean flag", "POST", base + "/connections", `{"connection_id":"` + f.conn + `","show_as_button":"yes"}`, 400, nil},
		{"invite", "POST", base + "/invitations", `{"inviter":{"name":"Alice"},"invitee":{"email":"gavin@hooli.test"},"client_id":"` + f.client + `","connection_id":"` + f.conn + `","roles":["` + f.support + `"]}`, 200, func(t *testing.T, b any) {
			inv, invURL = str(field(b, "id")), str(field(b, "invitation_url"))
			u, err := url.Parse(invURL)
			if !strings.HasPrefix(inv, "uinv_") || err != nil || u.Host != "portal.test" || u.Query().Get("organization") != org ||
				u.Query().Get("organization_name") != "hooli" || u.Query().Get("invitation") != field(b, "ticket_id") ||
				field(b, "organization_id") != org || field(b, "expires_at") == nil {
				t.Errorf("invitation %v", b)
			}
		}},
		{"invite: client without login route", "POST", base + "/invitations", `{"inviter":{"name":"Alice"},"invitee":{"email":"g@hooli.test"},"client_id":"` + plain + `"}`, 400, nil},
		{"invite: unknown client", "POST", base + "/invitations", `{"inviter":{"name":"Alice"},"invitee":{"email":"g@hooli.test"},"client_id":"nope"}`, 404, nil},
		{"invite: connection not enabled", "POST", base + "/invitations", `{"inviter":{"name":"Alice"},"invitee":{"email":"g@hooli.test"},"client_id":"` + f.client + `","connection_id":"con_other"}`, 400, nil},
		{"invite: no inviter", "POST", base + "/invitations", `{"invitee":{"email":"g@hooli.test"},"client_id":"` + f.client + `"}`, 400, nil},
		{"invite: bad email", "POST", base + "/invitations", `{"inviter":{"name":"A"},"invitee":{"email":"nope"},"client_id":"` + f.client + `"}`, 400, nil},
		{"invite: unknown org", "POST", "/api/v2/organizations/org_nope/invitations", `{"inviter":{"name":"A"},"invitee":{"email":"g@hooli.test"},"client_id":"` + f.client + `"}`, 404, nil},
	})
	f.run(t, []step{
		{"get invitation", "GET", base + "/invitations/" + inv, "", 200, func(t *testing.T, b any) {
			if field(b, "invitation_url") != invURL {
				t.Errorf("invitation %v", b)
			}
		}},
		{"unknown invitation", "GET", base + "/invitations/uinv_nope", "", 404, nil},
		{"list invitations", "GET", base + "/invitations", "", 200, func(t *testing.T, b any) {
			if got := ids(b, "id"); len(got) != 1 {
				t.Errorf("invitations %v", got)
			}
		}},
	})
}

func TestConnections(t *testing.T) {
	f := newTenant(t)
	var conn string
	f.run(t, []step{
		{"create", "POST", "/api/v2/connections", `{"name":"partners-db","strategy":"auth0"}`, 201, func(t *testing.T, b any) {
			conn = str(field(b, "id"))
			if !strings.HasPrefix(conn, "con_") || field(b, "strategy") != "auth0" || field(b, "enabled_clients") == nil {
				t.Errorf("connection %v", b)
			}
		}},
		{"duplicate", "POST", "/api/v2/connections", `{"name":"partners-db","strategy":"auth0"}`, 409, nil},
		{"name with a space", "POST", "/api/v2/connections", `{"name":"partners db","strategy":"auth0"}`, 400, nil},
		{"no strategy", "POST", "/api/v2/connections", `{"name":"partners-2"}`, 400, nil},
	})
	base := "/api/v2/connections/" + conn + "/clients"
	f.run(t, []step{
		{"enable (204 as documented)", "PATCH", base, `[{"client_id":"` + f.client + `","status":true}]`, 204, nil},
		{"object body", "PATCH", base, `{"client_id":"` + f.client + `","status":true}`, 400, nil},
		{"empty array", "PATCH", base, `[]`, 400, nil},
		{"unknown client", "PATCH", base, `[{"client_id":"nope","status":true}]`, 400, nil},
		{"status not boolean", "PATCH", base, `[{"client_id":"` + f.client + `","status":"on"}]`, 400, nil},
		{"unknown connection", "PATCH", "/api/v2/connections/con_nope/clients", `[{"client_id":"` + f.client + `","status":true}]`, 404, nil},
		{"list", "GET", base, "", 200, func(t *testing.T, b any) {
			if got := ids(field(b, "clients"), "client_id"); len(got) != 1 || got[0] != f.client {
				t.Errorf("clients %v", b)
			}
		}},
		{"disable", "PATCH", base, `[{"client_id":"` + f.client + `","status":false}]`, 204, nil},
		{"list after disabling", "GET", base, "", 200, func(t *testing.T, b any) {
			if got := ids(field(b, "clients"), "client_id"); len(got) != 0 {
				t.Errorf("clients %v", b)
			}
		}},
		{"list of unknown connection", "GET", "/api/v2/connections/con_nope/clients", "", 404, nil},
	})
}

func TestClientGrantsAndUserGrants(t *testing.T) {
	f := newTenant(t)
	var grant string
	f.run(t, []step{
		{"grant", "POST", "/api/v2/client-grants", `{"client_id":"` + f.client + `","audience":"https://orders.test/api","scope":["read:orders"]}`, 201, func(t *testing.T, b any) {
			grant = str(field(b, "id"))
			if !strings.HasPrefix(grant, "cgr_") {
				t.Errorf("grant %v", b)
			}
		}},
	})
	f.run(t, []step{
		{"read it back", "GET", "/api/v2/client-grants/" + grant, "", 200, func(t *testing.T, b any) {
			if field(b, "client_id") != f.client {
				t.Errorf("grant %v", b)
			}
		}},
		{"unknown", "GET", "/api/v2/client-grants/cgr_nope", "", 404, nil},
	})
	g1 := f.seed(t, "grants", map[string]any{"user_id": f.alice, "clientID": f.client, "audience": "https://orders.test/api", "scope": []string{"read:orders"}})
	f.seed(t, "grants", map[string]any{"user_id": f.bob, "clientID": f.client, "audience": "https://orders.test/api"})
	f.run(t, []step{
		{"list for a user", "GET", "/api/v2/grants?user_id=" + url.QueryEscape(f.alice), "", 200, func(t *testing.T, b any) {
			if got := ids(b, "id"); len(got) != 1 || got[0] != g1 || field(b.([]any)[0], "clientID") != f.client {
				t.Errorf("grants %v", b)
			}
		}},
		{"revoke", "DELETE", "/api/v2/grants/" + g1, "", 204, nil},
		{"list after revoking", "GET", "/api/v2/grants?user_id=" + url.QueryEscape(f.alice), "", 200, func(t *testing.T, b any) {
			if got := ids(b, "id"); len(got) != 0 {
				t.Errorf("grants %v", got)
			}
		}},
		{"all", "GET", "/api/v2/grants", "", 200, func(t *testing.T, b any) {
			if got := ids(b, "id"); len(got) != 1 {
				t.Errorf("grants %v", got)
			}
		}},
	})
}

// Paths without a route are served by the generic store, with a token but
// no particular scope.
func TestGenericStore(t *testing.T) {
	f := newFixture(t)
	tok := "Bearer " + f.sim.IssueToken()
	s, _, hook := f.do(t, "POST", "/api/v2/hooks", tok, `{"name":"audit"}`)
	id, _ := hook["id"].(string)
	if s != 201 || id == "" {
		t.Fatalf("create: %d %v", s, hook)
	}
	if s, _, got := f.do(t, "GET", "/api/v2/hooks/"+id, tok, ""); s != 200 || got["name"] != "audit" {
		t.Errorf("get: %d %v", s, got)
	}
	if s, _, got := f.do(t, "PATCH", "/api/v2/hooks/"+id, tok, `{"enabled":true}`); s != 200 || got["enabled"] != true || got["name"] != "audit" {
		t.Errorf("patch: %d %v", s, got)
	}
	if s, _, _ := f.do(t, "DELETE", "/api/v2/hooks/"+id, tok, ""); s != 204 {
		t.Errorf("delete: %d", s)
	}
	if s, _, _ := f.do(t, "GET", "/api/v2/hooks/"+id, tok, ""); s != 404 {
		t.Errorf("get after delete: %d", s)
	}
	if s, _, _ := f.do(t, "GET", "/elsewhere", tok, ""); s != 404 {
		t.Errorf("outside /api/v2: %d", s)
	}
}

// Bodies must be JSON (the description also allows forms; the workflows
// send JSON): another content type is a 400, not a silently empty body.
func TestBodyContentType(t *testing.T) {
	f := newFixture(t)
	tok := "Bearer " + f.sim.IssueToken(Scopes()...)
	for _, tc := range []struct {
		ct     string
		status int
	}{
		{"application/json", 200},
		{"application/json; charset=utf-8", 409},
		{"text/plain", 400},
		{"application/x-www-form-urlencoded", 400},
	} {
		if s, _, b := f.do(t, "POST", "/api/v2/roles", tok, `{"name":"Support"}`, "Content-Type", tc.ct); s != tc.status {
			t.Errorf("%s: %d %v, want %d", tc.ct, s, b, tc.status)
		}
	}
}
