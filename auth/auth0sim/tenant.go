package auth0sim

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// tenant is the simulated Auth0 tenant: objects by kind (the first path
// segment: "users", "roles", ...) and the relations between them.
type tenant struct {
	objs        map[string][]map[string]any // kind -> objects, in creation order
	orgMembers  map[string][]string         // org id -> user ids
	memberRoles map[string][]string         // org id + " " + user id -> role ids
	orgConns    map[string][]map[string]any // org id -> organization connections
	invitations map[string][]map[string]any // org id -> invitations
	rolePerms   map[string][]perm           // role id -> permissions
	roleUsers   map[string][]string         // role id -> user ids (a user's roles, too)
	userPerms   map[string][]perm           // user id -> direct permissions
}

// perm is a permission: a scope of a resource server.
type perm struct{ rs, name string }

func (t *tenant) init() {
	if t.objs != nil {
		return
	}
	t.objs = map[string][]map[string]any{}
	t.orgMembers = map[string][]string{}
	t.memberRoles = map[string][]string{}
	t.orgConns = map[string][]map[string]any{}
	t.invitations = map[string][]map[string]any{}
	t.rolePerms = map[string][]perm{}
	t.roleUsers = map[string][]string{}
	t.userPerms = map[string][]perm{}
}

// idKey is the identifier field of a kind's objects.
func idKey(kind string) string {
	switch kind {
	case "clients":
		return "client_id"
	case "users":
		return "user_id"
	}
	return "id"
}

func (t *tenant) find(kind, id string) map[string]any {
	k := idKey(kind)
	for _, o := range t.objs[kind] {
		if str(o[k]) == id {
			return o
		}
	}
	return nil
}

func (t *tenant) findBy(kind, field, value string) map[string]any {
	for _, o := range t.objs[kind] {
		if str(o[field]) == value {
			return o
		}
	}
	return nil
}

func (t *tenant) add(kind string, o map[string]any) { t.objs[kind] = append(t.objs[kind], o) }

// route is one Management API operation the tenant serves.
type route struct {
	method  string
	pattern string   // the path after /api/v2/, "*" for a path parameter
	scopes  []string // any of them (the operation's oAuth2ClientCredentials scopes)
	// missing is the status when an object named in the path does not
	// exist: 404 when the description documents one, else 400; 0 when the
	// operation documents no error status for it (or names no object):
	// 404, what Auth0 answers.
	missing   int
	arrayBody bool // the request body is a JSON array
	h         func(s *Sim, c *call) (int, any)
}

// call is one request to a route. A handler returns the status and the
// body (nil: no body; *apiErr: an error answer).
type call struct {
	rt    *route
	p     []string // path parameters, in order
	q     url.Values
	obj   map[string]any
	arr   []any
	isArr bool
}

// routes are the operations the sibling workflows call, with the scopes
// and statuses the Auth0 description documents.
var routes = []*route{
	{"POST", "resource-servers", []string{"create:resource_servers"}, 0, false, (*Sim).postResourceServer},
	{"GET", "resource-servers", []string{"read:resource_servers"}, 0, false, list("resource-servers")},
	{"GET", "resource-servers/*", []string{"read:resource_servers"}, 404, false, (*Sim).getResourceServer},
	{"POST", "clients", []string{"create:clients"}, 0, false, (*Sim).postClient},
	{"GET", "clients", []string{"read:clients", "read:client_keys", "read:client_credentials", "read:client_summary"}, 0, false, list("clients")},
	{"GET", "clients/*", []string{"read:clients", "read:client_keys", "read:client_credentials", "read:client_summary"}, 404, false, get("clients", "Client not found", "inexistent_client")},
	{"POST", "client-grants", []string{"create:client_grants"}, 0, false, (*Sim).postClientGrant},
	{"GET", "client-grants", []string{"read:client_grants"}, 0, false, list("client-grants")},
	{"GET", "client-grants/*", []string{"read:client_grants"}, 404, false, get("client-grants", "The grant does not exist.", "inexistent_client_grant")},
	{"POST", "connections", []string{"create:connections"}, 0, false, (*Sim).postConnection},
	{"GET", "connections", []string{"read:connections"}, 0, false, list("connections")},
	{"GET", "connections/*", []string{"read:connections"}, 404, false, get("connections", "The connection does not exist.", "inexistent_connection")},
	{"PATCH", "connections/*/clients", []string{"update:connections"}, 404, true, (*Sim).patchConnectionClients},
	{"GET", "connections/*/clients", []string{"read:connections"}, 404, false, (*Sim).getConnectionClients},
	{"POST", "organizations", []string{"create:organizations", "create:organization_connections"}, 0, false, (*Sim).postOrganization},
	{"GET", "organizations", []string{"read:organizations", "read:organizations_summary"}, 0, false, list("organizations")},
	{"GET", "organizations/*", []string{"read:organizations", "read:organizations_summary"}, 400, false, get("organizations", "No organization found by that id or name", "inexistent_organization")},
	{"POST", "organizations/*/members", []string{"create:organization_members"}, 400, false, (*Sim).postOrgMembers},
	{"GET", "organizations/*/members", []string{"read:organization_members"}, 400, false, (*Sim).getOrgMembers},
	{"POST", "organizations/*/members/*/roles", []string{"create:organization_member_roles"}, 400, false, (*Sim).postMemberRoles},
	{"GET", "organizations/*/members/*/roles", []string{"read:organization_member_roles"}, 400, false, (*Sim).getMemberRoles},
	{"POST", "organizations/*/connections", []string{"create:organization_connections"}, 400, false, (*Sim).postOrgConnection},
	{"GET", "organizations/*/connections", []string{"read:organization_connections"}, 400, false, (*Sim).getOrgConnections},
	{"GET", "organizations/*/connections/*", []string{"read:organization_connections"}, 404, false, (*Sim).getOrgConnection},
	{"POST", "organizations/*/invitations", []string{"create:organization_invitations"}, 404, false, (*Sim).postInvitation},
	{"GET", "organizations/*/invitations", []string{"read:organization_invitations"}, 404, false, (*Sim).getInvitations},
	{"GET", "organizations/*/invitations/*", []string{"read:organization_invitations"}, 404, false, (*Sim).getInvitation},
	{"POST", "roles", []string{"create:roles"}, 0, false, (*Sim).postRole},
	{"GET", "roles", []string{"read:roles"}, 0, false, (*Sim).getRoles},
	{"GET", "roles/*", []string{"read:roles"}, 404, false, get("roles", "Role not found", "inexistent_role")},
	{"POST", "roles/*/permissions", []string{"update:roles"}, 400, false, (*Sim).postRolePerms},
	{"GET", "roles/*/permissions", []string{"read:roles"}, 404, false, (*Sim).getRolePerms},
	{"POST", "roles/*/users", []string{"update:roles", "create:role_members"}, 404, false, (*Sim).postRoleUsers},
	{"GET", "roles/*/users", []string{"read:users", "read:roles", "read:role_members"}, 404, false, (*Sim).getRoleUsers},
	{"POST", "users", []string{"create:users"}, 0, false, (*Sim).postUser},
	{"GET", "users/*", []string{"read:users", "read:current_user", "read:user_idp_tokens"}, 404, false, get("users", "The user does not exist.", "inexistent_user")},
	{"POST", "users/*/roles", []string{"update:users", "create:role_members"}, 400, false, (*Sim).postUserRoles},
	{"GET", "users/*/roles", []string{"read:users", "read:roles", "read:role_members"}, 0, false, (*Sim).getUserRoles},
	{"POST", "users/*/permissions", []string{"update:users"}, 400, false, (*Sim).postUserPerms},
	{"GET", "users/*/permissions", []string{"read:users"}, 404, false, (*Sim).getUserPerms},
	{"GET", "users-by-email", []string{"read:users"}, 0, false, (*Sim).getUsersByEmail},
	{"GET", "grants", []string{"read:grants"}, 0, false, (*Sim).getGrants},
	{"DELETE", "grants/*", []string{"delete:grants"}, 0, false, (*Sim).deleteGrant},
}

// match finds the route for method and the path segments after /api/v2/,
// and its path parameters.
func match(method string, segs []string) (*route, []string) {
	for _, r := range routes {
		if r.method != method {
			continue
		}
		ps := strings.Split(r.pattern, "/")
		if len(ps) != len(segs) {
			continue
		}
		var params []string
		ok := true
		for i, p := range ps {
			switch {
			case p == "*" && segs[i] != "":
				params = append(params, segs[i])
			case p != segs[i]:
				ok = false
			}
			if !ok {
				break
			}
		}
		if ok {
			return r, params
		}
	}
	return nil, nil
}

// Errors.

func bad(format string, args ...any) *apiErr {
	return &apiErr{http.StatusBadRequest, "Payload validation error: '" + fmt.Sprintf(format, args...) + "'.", "invalid_body"}
}

func conflict(msg, code string) *apiErr { return &apiErr{http.StatusConflict, msg, code} }

// notFound answers for an object named in the path that does not exist.
func (c *call) notFound(msg, code string) (int, any) {
	return 0, c.missingErr(msg, code)
}

func (c *call) missingErr(msg, code string) *apiErr {
	status := c.rt.missing
	if status == 0 {
		status = http.StatusNotFound
	}
	return &apiErr{status, msg, code}
}

// Body fields.

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// allow refuses properties other than keys (additionalProperties: false).
func (c *call) allow(keys ...string) *apiErr {
	for k := range c.obj {
		if !has(keys, k) {
			return bad("Additional properties not allowed: %s", k)
		}
	}
	return nil
}

// reqString is a required, non-empty string property.
func (c *call) reqString(key string) (string, *apiErr) {
	v, ok := c.obj[key]
	if !ok {
		return "", bad("Missing required property: %s", key)
	}
	s, ok := v.(string)
	if !ok {
		return "", bad("Expected type string but found type %s on property %s", typeName(v), key)
	}
	if s == "" {
		return "", bad("String is too short (0 chars), minimum 1 on property %s", key)
	}
	return s, nil
}

// optString is an optional string property ("" when absent).
func (c *call) optString(key string) (string, *apiErr) {
	v, ok := c.obj[key]
	if !ok {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", bad("Expected type string but found type %s on property %s", typeName(v), key)
	}
	return s, nil
}

// optBool is an optional boolean property (def when absent).
func (c *call) optBool(key string, def bool) (bool, *apiErr) {
	v, ok := c.obj[key]
	if !ok {
		return def, nil
	}
	b, ok := v.(bool)
	if !ok {
		return false, bad("Expected type boolean but found type %s on property %s", typeName(v), key)
	}
	return b, nil
}

// strings is an array-of-strings property; required means present with at
// least one item.
func (c *call) strings(key string, required bool) ([]string, *apiErr) {
	v, ok := c.obj[key]
	if !ok {
		if required {
			return nil, bad("Missing required property: %s", key)
		}
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, bad("Expected type array but found type %s on property %s", typeName(v), key)
	}
	if required && len(list) == 0 {
		return nil, bad("Array is too short (0), minimum 1 on property %s", key)
	}
	out := make([]string, 0, len(list))
	for i, x := range list {
		s, ok := x.(string)
		if !ok || s == "" {
			return nil, bad("Expected type string but found type %s on property %s/%d", typeName(x), key, i)
		}
		out = append(out, s)
	}
	return out, nil
}

// perms reads a permissions array: objects with resource_server_identifier
// and permission_name, where the resource server exists and defines the
// permission as one of its scopes.
func (s *Sim) perms(c *call) ([]perm, *apiErr) {
	if e := c.allow("permissions"); e != nil {
		return nil, e
	}
	v, ok := c.obj["permissions"]
	if !ok {
		return nil, bad("Missing required property: permissions")
	}
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, bad("Expected a non-empty array on property permissions")
	}
	var out []perm
	for i, x := range list {
		m, ok := x.(map[string]any)
		if !ok {
			return nil, bad("Expected type object but found type %s on property permissions/%d", typeName(x), i)
		}
		p := perm{rs: str(m["resource_server_identifier"]), name: str(m["permission_name"])}
		if p.rs == "" || p.name == "" {
			return nil, bad("Missing required property: resource_server_identifier, permission_name on property permissions/%d", i)
		}
		rs := s.t.findBy("resource-servers", "identifier", p.rs)
		if rs == nil {
			return nil, &apiErr{http.StatusBadRequest, "Resource server " + p.rs + " does not exist", "inexistent_resource_server"}
		}
		if !has(scopeValues(rs), p.name) {
			return nil, &apiErr{http.StatusBadRequest, "Permission " + p.name + " does not exist on resource server " + p.rs, "invalid_permission"}
		}
		out = append(out, p)
	}
	return out, nil
}

func scopeValues(rs map[string]any) []string {
	var out []string
	list, _ := rs["scopes"].([]any)
	for _, x := range list {
		if m, ok := x.(map[string]any); ok {
			out = append(out, str(m["value"]))
		}
	}
	return out
}

// existing checks that every id names an object of kind.
func (s *Sim) existing(kind string, ids []string, what string) *apiErr {
	for _, id := range ids {
		if s.t.find(kind, id) == nil {
			return &apiErr{http.StatusBadRequest, fmt.Sprintf("The %s %s does not exist.", what, id), "inexistent_" + what}
		}
	}
	return nil
}

func appendNew[T comparable](dst []T, xs ...T) []T {
	for _, x := range xs {
		found := false
		for _, y := range dst {
			if x == y {
				found = true
				break
			}
		}
		if !found {
			dst = append(dst, x)
		}
	}
	return dst
}

func (s *Sim) stamp() string { return s.now().UTC().Format("2006-01-02T15:04:05.000Z") }

// Generic readers.

func list(kind string) func(s *Sim, c *call) (int, any) {
	return func(s *Sim, c *call) (int, any) {
		out := []map[string]any{}
		out = append(out, s.t.objs[kind]...)
		return http.StatusOK, out
	}
}

func get(kind, msg, code string) func(s *Sim, c *call) (int, any) {
	return func(s *Sim, c *call) (int, any) {
		if o := s.t.find(kind, c.p[0]); o != nil {
			return http.StatusOK, o
		}
		return c.notFound(msg, code)
	}
}

// Resource servers, clients, client grants.

func (s *Sim) postResourceServer(c *call) (int, any) {
	ident, e := c.reqString("identifier")
	if e != nil {
		return 0, e
	}
	if s.t.findBy("resource-servers", "identifier", ident) != nil {
		return 0, conflict("A resource server with the same identifier already exists", "resource_server_conflict")
	}
	if v, ok := c.obj["scopes"]; ok {
		list, ok := v.([]any)
		if !ok {
			return 0, bad("Expected type array but found type %s on property scopes", typeName(v))
		}
		for i, x := range list {
			if m, ok := x.(map[string]any); !ok || str(m["value"]) == "" {
				return 0, bad("Missing required property: value on property scopes/%d", i)
			}
		}
	}
	rs := copyMap(c.obj)
	rs["id"] = randHex(12)
	if str(rs["name"]) == "" {
		rs["name"] = ident
	}
	if rs["scopes"] == nil {
		rs["scopes"] = []any{}
	}
	rs["is_system"] = false
	rs["signing_alg"] = "RS256"
	rs["token_lifetime"] = 86400
	rs["token_lifetime_for_web"] = 7200
	rs["allow_offline_access"] = false
	rs["skip_consent_for_verifiable_first_party_clients"] = true
	s.t.add("resource-servers", rs)
	return http.StatusCreated, rs
}

func (s *Sim) getResourceServer(c *call) (int, any) {
	// The path parameter is the id or the identifier (audience).
	if rs := s.t.find("resource-servers", c.p[0]); rs != nil {
		return http.StatusOK, rs
	}
	if rs := s.t.findBy("resource-servers", "identifier", c.p[0]); rs != nil {
		return http.StatusOK, rs
	}
	return c.notFound("Resource server not found", "inexistent_resource_server")
}

func (s *Sim) postClient(c *call) (int, any) {
	if _, e := c.reqString("name"); e != nil {
		return 0, e
	}
	u, e := c.optString("initiate_login_uri")
	if e != nil {
		return 0, e
	}
	if u != "" && !strings.HasPrefix(u, "https://") {
		return 0, bad("Object didn't pass validation for format absolute-https-uri-or-empty: %s on property initiate_login_uri", u)
	}
	cl := copyMap(c.obj)
	cl["client_id"] = randAlnum(32)
	cl["client_secret"] = randAlnum(64)
	cl["tenant"] = "sim"
	cl["global"] = false
	cl["is_first_party"] = true
	if _, ok := cl["app_type"]; !ok {
		cl["app_type"] = "non_interactive"
	}
	if _, ok := cl["grant_types"]; !ok {
		cl["grant_types"] = []any{"client_credentials"}
	}
	s.t.add("clients", cl)
	return http.StatusCreated, cl
}

func (s *Sim) postClientGrant(c *call) (int, any) {
	cid, aud := str(c.obj["client_id"]), str(c.obj["audience"])
	if cid == "" || aud == "" {
		return 0, bad("Missing required property: client_id, audience")
	}
	if s.t.find("clients", cid) == nil {
		return 0, &apiErr{http.StatusNotFound, "Client not found", "inexistent_client"}
	}
	rs := s.t.findBy("resource-servers", "identifier", aud)
	if rs == nil {
		return 0, &apiErr{http.StatusNotFound, "No resource server found by specified audience", "inexistent_resource_server"}
	}
	scopes, e := c.strings("scope", false)
	if e != nil {
		return 0, e
	}
	defined := scopeValues(rs)
	for _, v := range scopes {
		if !has(defined, v) {
			return 0, &apiErr{http.StatusBadRequest, fmt.Sprintf("Scope %q is not defined by the resource server", v), "invalid_scope"}
		}
	}
	for _, g := range s.t.objs["client-grants"] {
		if g["client_id"] == cid && g["audience"] == aud {
			return 0, conflict("A client grant for this client and audience already exists", "client_grant_conflict")
		}
	}
	g := copyMap(c.obj)
	g["id"] = "cgr_" + randAlnum(16)
	if g["scope"] == nil {
		g["scope"] = []any{}
	}
	g["is_system"] = false
	s.t.add("client-grants", g)
	return http.StatusCreated, g
}

// Connections.

// validConnectionName is the description's pattern
// ^[a-zA-Z0-9](-[a-zA-Z0-9]|[a-zA-Z0-9])*$, max 128.
func validConnectionName(n string) bool {
	if n == "" || len(n) > 128 || n[0] == '-' || n[len(n)-1] == '-' || strings.Contains(n, "--") {
		return false
	}
	for _, r := range n {
		if !(r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func (s *Sim) postConnection(c *call) (int, any) {
	name, e := c.reqString("name")
	if e != nil {
		return 0, e
	}
	if !validConnectionName(name) {
		return 0, bad("String does not match pattern ^[a-zA-Z0-9](-[a-zA-Z0-9]|[a-zA-Z0-9])*$: %s on property name", name)
	}
	strategy, e := c.reqString("strategy")
	if e != nil {
		return 0, e
	}
	for _, r := range strategy {
		if !(r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return 0, bad("No enum match for: %q on property strategy", strategy)
		}
	}
	if s.t.findBy("connections", "name", name) != nil {
		return 0, conflict("A connection with the same name already exists", "connection_conflict")
	}
	enabled, e := c.strings("enabled_clients", false)
	if e != nil {
		return 0, e
	}
	if e := s.existing("clients", enabled, "client"); e != nil {
		return 0, e
	}
	conn := copyMap(c.obj)
	conn["id"] = "con_" + randAlnum(16)
	if conn["options"] == nil {
		conn["options"] = map[string]any{}
	}
	ec := []any{}
	for _, id := range enabled {
		ec = append(ec, id)
	}
	conn["enabled_clients"] = ec
	conn["realms"] = []any{name}
	conn["is_domain_connection"] = false
	s.t.add("connections", conn)
	return http.StatusCreated, conn
}

func (s *Sim) patchConnectionClients(c *call) (int, any) {
	conn := s.t.find("connections", c.p[0])
	if conn == nil {
		return c.notFound("The connection does not exist", "inexistent_connection")
	}
	if len(c.arr) == 0 || len(c.arr) > 50 {
		return 0, bad("Array should have between 1 and 50 items")
	}
	enabled, _ := conn["enabled_clients"].([]any)
	for i, x := range c.arr {
		m, ok := x.(map[string]any)
		if !ok {
			return 0, bad("Expected type object but found type %s on property %d", typeName(x), i)
		}
		for k := range m {
			if k != "client_id" && k != "status" {
				return 0, bad("Additional properties not allowed: %s on property %d", k, i)
			}
		}
		id, status := str(m["client_id"]), m["status"]
		on, isBool := status.(bool)
		if id == "" || !isBool {
			return 0, bad("Missing required property: client_id, status (boolean) on property %d", i)
		}
		if s.t.find("clients", id) == nil {
			return 0, &apiErr{http.StatusBadRequest, "The client " + id + " does not exist.", "inexistent_client"}
		}
		var kept []any
		for _, y := range enabled {
			if y != id {
				kept = append(kept, y)
			}
		}
		if on {
			kept = append(kept, id)
		}
		enabled = kept
	}
	if enabled == nil {
		enabled = []any{}
	}
	conn["enabled_clients"] = enabled
	return http.StatusNoContent, nil
}

func (s *Sim) getConnectionClients(c *call) (int, any) {
	conn := s.t.find("connections", c.p[0])
	if conn == nil {
		return c.notFound("The connection does not exist", "inexistent_connection")
	}
	out := []map[string]any{}
	enabled, _ := conn["enabled_clients"].([]any)
	for _, id := range enabled {
		out = append(out, map[string]any{"client_id": id})
	}
	return http.StatusOK, map[string]any{"clients": out}
}

// Organizations.

// validOrgName is Auth0's organization-name format: lower-case letters,
// digits, '-' and '_', starting and ending with a letter or digit.
func validOrgName(n string) bool {
	if n == "" || len(n) > 50 {
		return false
	}
	for i, r := range n {
		alnum := r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		if !alnum && (i == 0 || i == len(n)-1 || r != '-' && r != '_') {
			return false
		}
	}
	return true
}

func (s *Sim) postOrganization(c *call) (int, any) {
	if e := c.allow("name", "display_name", "branding", "metadata", "enabled_connections", "token_quota"); e != nil {
		return 0, e
	}
	name, e := c.reqString("name")
	if e != nil {
		return 0, e
	}
	if !validOrgName(name) {
		return 0, bad("Object didn't pass validation for format organization-name: %s on property name", name)
	}
	if v, ok := c.obj["display_name"]; ok {
		if d, ok := v.(string); !ok || d == "" || len(d) > 255 {
			return 0, bad("Expected a string of 1 to 255 characters on property display_name, found %s", typeName(v))
		}
	}
	if s.t.findBy("organizations", "name", name) != nil {
		return 0, conflict("An organization with this name already exists.", "organization_conflict")
	}
	org := copyMap(c.obj)
	delete(org, "enabled_connections")
	org["id"] = "org_" + randAlnum(16)
	s.t.add("organizations", org)
	return http.StatusCreated, org
}

func (s *Sim) org(c *call) (map[string]any, *apiErr) {
	if o := s.t.find("organizations", c.p[0]); o != nil {
		return o, nil
	}
	return nil, c.missingErr("No organization found by that id.", "inexistent_organization")
}

func (s *Sim) postOrgMembers(c *call) (int, any) {
	org, e := s.org(c)
	if e != nil {
		return 0, e
	}
	if e := c.allow("members"); e != nil {
		return 0, e
	}
	ids, e := c.strings("members", true)
	if e != nil {
		return 0, e
	}
	if e := s.existing("users", ids, "user"); e != nil {
		return 0, e
	}
	id := str(org["id"])
	s.t.orgMembers[id] = appendNew(s.t.orgMembers[id], ids...)
	return http.StatusNoContent, nil
}

func userSummary(u map[string]any) map[string]any {
	return map[string]any{"user_id": u["user_id"], "email": u["email"], "name": u["name"], "picture": u["picture"]}
}

func (s *Sim) getOrgMembers(c *call) (int, any) {
	org, e := s.org(c)
	if e != nil {
		return 0, e
	}
	out := []map[string]any{}
	for _, uid := range s.t.orgMembers[str(org["id"])] {
		if u := s.t.find("users", uid); u != nil {
			out = append(out, userSummary(u))
		}
	}
	return http.StatusOK, out
}

func (s *Sim) member(c *call) (string, *apiErr) {
	org, e := s.org(c)
	if e != nil {
		return "", e
	}
	oid := str(org["id"])
	if !has(s.t.orgMembers[oid], c.p[1]) {
		return "", &apiErr{http.StatusBadRequest, "User " + c.p[1] + " is not a member of organization " + oid, "inexistent_member"}
	}
	return oid + " " + c.p[1], nil
}

func (s *Sim) postMemberRoles(c *call) (int, any) {
	key, e := s.member(c)
	if e != nil {
		return 0, e
	}
	if e := c.allow("roles"); e != nil {
		return 0, e
	}
	ids, e := c.strings("roles", true)
	if e != nil {
		return 0, e
	}
	if e := s.existing("roles", ids, "role"); e != nil {
		return 0, e
	}
	s.t.memberRoles[key] = appendNew(s.t.memberRoles[key], ids...)
	return http.StatusNoContent, nil
}

func (s *Sim) roleList(ids []string) []map[string]any {
	out := []map[string]any{}
	for _, id := range ids {
		if r := s.t.find("roles", id); r != nil {
			out = append(out, r)
		}
	}
	return out
}

func (s *Sim) getMemberRoles(c *call) (int, any) {
	key, e := s.member(c)
	if e != nil {
		return 0, e
	}
	return http.StatusOK, s.roleList(s.t.memberRoles[key])
}

func (s *Sim) postOrgConnection(c *call) (int, any) {
	org, e := s.org(c)
	if e != nil {
		return 0, e
	}
	if e := c.allow("organization_connection_name", "assign_membership_on_login", "show_as_button",
		"is_signup_enabled", "organization_access_level", "is_enabled", "connection_id"); e != nil {
		return 0, e
	}
	cid, e := c.reqString("connection_id")
	if e != nil {
		return 0, e
	}
	conn := s.t.find("connections", cid)
	if conn == nil {
		return 0, &apiErr{http.StatusBadRequest, "The connection " + cid + " does not exist.", "inexistent_connection"}
	}
	assign, e := c.optBool("assign_membership_on_login", false)
	if e != nil {
		return 0, e
	}
	button, e := c.optBool("show_as_button", true)
	if e != nil {
		return 0, e
	}
	oid := str(org["id"])
	for _, oc := range s.t.orgConns[oid] {
		if oc["connection_id"] == cid {
			return 0, conflict("The organization connection already exists.", "organization_connection_conflict")
		}
	}
	oc := copyMap(c.obj)
	oc["assign_membership_on_login"] = assign
	oc["show_as_button"] = button
	oc["connection"] = map[string]any{"name": conn["name"], "strategy": conn["strategy"]}
	s.t.orgConns[oid] = append(s.t.orgConns[oid], oc)
	return http.StatusCreated, oc
}

func (s *Sim) getOrgConnections(c *call) (int, any) {
	org, e := s.org(c)
	if e != nil {
		return 0, e
	}
	out := []map[string]any{}
	out = append(out, s.t.orgConns[str(org["id"])]...)
	return http.StatusOK, out
}

func (s *Sim) getOrgConnection(c *call) (int, any) {
	org, e := s.org(c)
	if e != nil {
		return 0, e
	}
	for _, oc := range s.t.orgConns[str(org["id"])] {
		if oc["connection_id"] == c.p[1] {
			return http.StatusOK, oc
		}
	}
	return c.notFound("No connection found by that id", "inexistent_organization_connection")
}

// postInvitation creates an invitation; Auth0 builds its invitation_url
// from the client's initiate_login_uri (the "default login route").
func (s *Sim) postInvitation(c *call) (int, any) {
	org, e := s.org(c)
	if e != nil {
		return 0, e
	}
	if e := c.allow("inviter", "invitee", "client_id", "connection_id", "app_metadata", "user_metadata",
		"ttl_sec", "roles", "send_invitation_email"); e != nil {
		return 0, e
	}
	inviter, _ := c.obj["inviter"].(map[string]any)
	if n := str(inviter["name"]); n == "" || len(n) > 300 {
		return 0, bad("Missing required property: inviter.name")
	}
	invitee, _ := c.obj["invitee"].(map[string]any)
	if email := str(invitee["email"]); !validEmail(email) {
		return 0, bad("Object didn't pass validation for format email: %q on property invitee.email", email)
	}
	cid, e := c.reqString("client_id")
	if e != nil {
		return 0, e
	}
	client := s.t.find("clients", cid)
	if client == nil {
		return 0, &apiErr{http.StatusNotFound, "Client not found", "inexistent_client"}
	}
	login := str(client["initiate_login_uri"])
	if login == "" {
		return 0, &apiErr{http.StatusBadRequest, "A default login route is required to generate the invitation url. For more information, see https://auth0.com/docs/universal-login/configure-default-login-routes", "no_default_login_route"}
	}
	oid := str(org["id"])
	conn, e := c.optString("connection_id")
	if e != nil {
		return 0, e
	}
	if conn != "" {
		enabled := false
		for _, oc := range s.t.orgConns[oid] {
			enabled = enabled || oc["connection_id"] == conn
		}
		if !enabled {
			return 0, &apiErr{http.StatusBadRequest, "The connection " + conn + " is not enabled for organization " + oid, "connection_not_enabled"}
		}
	}
	roles, e := c.strings("roles", false)
	if e != nil {
		return 0, e
	}
	if e := s.existing("roles", roles, "role"); e != nil {
		return 0, e
	}
	ttl := 7 * 24 * time.Hour
	if v, ok := c.obj["ttl_sec"].(float64); ok && v > 0 {
		ttl = time.Duration(v) * time.Second
	}
	ticket := randAlnum(32)
	sep := "?"
	if strings.Contains(login, "?") {
		sep = "&"
	}
	inv := copyMap(c.obj)
	delete(inv, "send_invitation_email")
	delete(inv, "ttl_sec")
	inv["id"] = "uinv_" + randAlnum(16)
	inv["organization_id"] = oid
	inv["ticket_id"] = ticket
	inv["created_at"] = s.stamp()
	inv["expires_at"] = s.now().Add(ttl).UTC().Format("2006-01-02T15:04:05.000Z")
	inv["invitation_url"] = login + sep + url.Values{"invitation": {ticket}, "organization": {oid},
		"organization_name": {str(org["name"])}}.Encode()
	s.t.invitations[oid] = append(s.t.invitations[oid], inv)
	return http.StatusOK, inv
}

func (s *Sim) getInvitations(c *call) (int, any) {
	org, e := s.org(c)
	if e != nil {
		return 0, e
	}
	out := []map[string]any{}
	out = append(out, s.t.invitations[str(org["id"])]...)
	return http.StatusOK, out
}

func (s *Sim) getInvitation(c *call) (int, any) {
	org, e := s.org(c)
	if e != nil {
		return 0, e
	}
	for _, inv := range s.t.invitations[str(org["id"])] {
		if inv["id"] == c.p[1] {
			return http.StatusOK, inv
		}
	}
	return c.notFound("The invitation does not exist", "inexistent_invitation")
}

// Roles.

func (s *Sim) postRole(c *call) (int, any) {
	if e := c.allow("name", "description"); e != nil {
		return 0, e
	}
	name, e := c.reqString("name")
	if e != nil {
		return 0, e
	}
	if _, e := c.optString("description"); e != nil {
		return 0, e
	}
	if s.t.findBy("roles", "name", name) != nil {
		return 0, conflict("The role already exists.", "role_conflict")
	}
	r := copyMap(c.obj)
	r["id"] = "rol_" + randAlnum(16)
	s.t.add("roles", r)
	return http.StatusOK, r
}

func (s *Sim) getRoles(c *call) (int, any) {
	f := strings.ToLower(c.q.Get("name_filter"))
	out := []map[string]any{}
	for _, r := range s.t.objs["roles"] {
		if strings.Contains(strings.ToLower(str(r["name"])), f) {
			out = append(out, r)
		}
	}
	return http.StatusOK, out
}

func (s *Sim) role(c *call) (string, *apiErr) {
	if r := s.t.find("roles", c.p[0]); r != nil {
		return c.p[0], nil
	}
	return "", c.missingErr("The role does not exist.", "inexistent_role")
}

func (s *Sim) postRolePerms(c *call) (int, any) {
	id, e := s.role(c)
	if e != nil {
		return 0, e
	}
	ps, e := s.perms(c)
	if e != nil {
		return 0, e
	}
	s.t.rolePerms[id] = appendNew(s.t.rolePerms[id], ps...)
	return http.StatusCreated, nil
}

func (s *Sim) permList(ps []perm, direct bool) []map[string]any {
	out := []map[string]any{}
	for _, p := range ps {
		m := map[string]any{"resource_server_identifier": p.rs, "permission_name": p.name}
		if rs := s.t.findBy("resource-servers", "identifier", p.rs); rs != nil {
			m["resource_server_name"] = rs["name"]
			list, _ := rs["scopes"].([]any)
			for _, x := range list {
				if sc, ok := x.(map[string]any); ok && sc["value"] == p.name && sc["description"] != nil {
					m["description"] = sc["description"]
				}
			}
		}
		if direct {
			m["sources"] = []any{map[string]any{"source_id": "", "source_name": "", "source_type": "DIRECT"}}
		}
		out = append(out, m)
	}
	return out
}

func (s *Sim) getRolePerms(c *call) (int, any) {
	id, e := s.role(c)
	if e != nil {
		return 0, e
	}
	return http.StatusOK, s.permList(s.t.rolePerms[id], false)
}

func (s *Sim) postRoleUsers(c *call) (int, any) {
	id, e := s.role(c)
	if e != nil {
		return 0, e
	}
	if e := c.allow("users"); e != nil {
		return 0, e
	}
	ids, e := c.strings("users", true)
	if e != nil {
		return 0, e
	}
	if e := s.existing("users", ids, "user"); e != nil {
		return 0, e
	}
	s.t.roleUsers[id] = appendNew(s.t.roleUsers[id], ids...)
	return http.StatusOK, nil
}

func (s *Sim) getRoleUsers(c *call) (int, any) {
	id, e := s.role(c)
	if e != nil {
		return 0, e
	}
	out := []map[string]any{}
	for _, uid := range s.t.roleUsers[id] {
		if u := s.t.find("users", uid); u != nil {
			out = append(out, userSummary(u))
		}
	}
	return http.StatusOK, out
}

// Users.

func validEmail(e string) bool {
	local, domain, ok := strings.Cut(e, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.ContainsAny(e, " \t\r\n") &&
		!strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

func (s *Sim) postUser(c *call) (int, any) {
	cname, e := c.reqString("connection")
	if e != nil {
		return 0, e
	}
	conn := s.t.findBy("connections", "name", cname)
	if conn == nil {
		return 0, &apiErr{http.StatusBadRequest, "The connection does not exist.", "inexistent_connection"}
	}
	strategy := str(conn["strategy"])
	email, e := c.optString("email")
	if e != nil {
		return 0, e
	}
	password, e := c.optString("password")
	if e != nil {
		return 0, e
	}
	if strategy == "auth0" {
		if email == "" {
			return 0, bad("Missing required property: email")
		}
		if password == "" {
			return 0, bad("Missing required property: password")
		}
		if len(password) < 8 {
			return 0, &apiErr{http.StatusBadRequest, "PasswordStrengthError: Password is too weak", "invalid_password"}
		}
	}
	if email != "" && !validEmail(email) {
		return 0, bad("Object didn't pass validation for format email: %s on property email", email)
	}
	email = strings.ToLower(email)
	for _, u := range s.t.objs["users"] {
		ids, _ := u["identities"].([]any)
		for _, x := range ids {
			if m, _ := x.(map[string]any); m["connection"] == cname && email != "" && u["email"] == email {
				return 0, conflict("The user already exists.", "auth0_idp_error")
			}
		}
	}
	provider := strategy
	raw := randHex(12)
	u := copyMap(c.obj)
	delete(u, "password") // never stored, never echoed
	delete(u, "connection")
	u["user_id"] = provider + "|" + raw
	u["email"] = email
	if _, ok := u["email_verified"]; !ok {
		u["email_verified"] = false
	}
	if _, ok := u["name"]; !ok {
		u["name"] = email
	}
	if _, ok := u["nickname"]; !ok {
		nick, _, _ := strings.Cut(email, "@")
		u["nickname"] = nick
	}
	if _, ok := u["picture"]; !ok {
		u["picture"] = "https://s.gravatar.com/avatar/" + randHex(16) + "?s=480&r=pg&d=identicon"
	}
	u["identities"] = []any{map[string]any{"connection": cname, "user_id": raw, "provider": provider, "isSocial": false}}
	u["created_at"] = s.stamp()
	u["updated_at"] = u["created_at"]
	s.t.add("users", u)
	return http.StatusCreated, u
}

func (s *Sim) user(c *call) (string, *apiErr) {
	if u := s.t.find("users", c.p[0]); u != nil {
		return c.p[0], nil
	}
	return "", c.missingErr("The user does not exist.", "inexistent_user")
}

func (s *Sim) postUserRoles(c *call) (int, any) {
	uid, e := s.user(c)
	if e != nil {
		return 0, e
	}
	if e := c.allow("roles"); e != nil {
		return 0, e
	}
	ids, e := c.strings("roles", true)
	if e != nil {
		return 0, e
	}
	if e := s.existing("roles", ids, "role"); e != nil {
		return 0, e
	}
	for _, rid := range ids {
		s.t.roleUsers[rid] = appendNew(s.t.roleUsers[rid], uid)
	}
	return http.StatusNoContent, nil
}

func (s *Sim) getUserRoles(c *call) (int, any) {
	uid, e := s.user(c)
	if e != nil {
		return 0, e
	}
	var ids []string
	for _, r := range s.t.objs["roles"] {
		if has(s.t.roleUsers[str(r["id"])], uid) {
			ids = append(ids, str(r["id"]))
		}
	}
	return http.StatusOK, s.roleList(ids)
}

func (s *Sim) postUserPerms(c *call) (int, any) {
	uid, e := s.user(c)
	if e != nil {
		return 0, e
	}
	ps, e := s.perms(c)
	if e != nil {
		return 0, e
	}
	s.t.userPerms[uid] = appendNew(s.t.userPerms[uid], ps...)
	return http.StatusCreated, nil
}

func (s *Sim) getUserPerms(c *call) (int, any) {
	uid, e := s.user(c)
	if e != nil {
		return 0, e
	}
	return http.StatusOK, s.permList(s.t.userPerms[uid], true)
}

func (s *Sim) getUsersByEmail(c *call) (int, any) {
	email := c.q.Get("email")
	if email == "" {
		return 0, &apiErr{http.StatusBadRequest, "Query validation error: 'Missing required property: email'.", "invalid_query_string"}
	}
	out := []map[string]any{}
	for _, u := range s.t.objs["users"] {
		if u["email"] == email {
			out = append(out, u)
		}
	}
	return http.StatusOK, out
}

// User grants (the consents users gave applications): seeded, listed,
// revoked.

func (s *Sim) getGrants(c *call) (int, any) {
	out := []map[string]any{}
	for _, g := range s.t.objs["grants"] {
		if v := c.q.Get("user_id"); v != "" && g["user_id"] != v {
			continue
		}
		if v := c.q.Get("client_id"); v != "" && g["clientID"] != v {
			continue
		}
		if v := c.q.Get("audience"); v != "" && g["audience"] != v {
			continue
		}
		out = append(out, g)
	}
	return http.StatusOK, out
}

func (s *Sim) deleteGrant(c *call) (int, any) {
	list := s.t.objs["grants"]
	for i, g := range list {
		if g["id"] == c.p[0] {
			s.t.objs["grants"] = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	return http.StatusNoContent, nil
}

func (s *Sim) seedGrant(c *call) (int, any) {
	uid, e := c.reqString("user_id")
	if e != nil {
		return 0, e
	}
	if s.t.find("users", uid) == nil {
		return 0, &apiErr{http.StatusBadRequest, "The user " + uid + " does not exist.", "inexistent_user"}
	}
	if _, e := c.reqString("clientID"); e != nil {
		return 0, e
	}
	if _, e := c.reqString("audience"); e != nil {
		return 0, e
	}
	g := copyMap(c.obj)
	g["id"] = randHex(12)
	if g["scope"] == nil {
		g["scope"] = []any{}
	}
	s.t.add("grants", g)
	return http.StatusCreated, g
}
