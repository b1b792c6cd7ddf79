package auth0sim

import (
	"encoding/json"
	"fmt"
	"sort"
)

// SeedKinds are the kinds Seed accepts: the Management API collections
// (POST /api/v2/KIND), plus "grants", the consents users gave
// applications, which the API can list and revoke but not create.
var SeedKinds = []string{"clients", "client-grants", "connections", "grants", "organizations",
	"resource-servers", "roles", "users"}

// Seed adds an object to the tenant as if it had been created before the
// test, with the same checks and defaults as the POST that creates it (a
// user needs an existing connection by name and, in a database connection,
// an email and a password of 8 characters or more; a grant needs
// "user_id", "clientID" and "audience"). It returns the object's
// identifier: "client_id" for clients, "user_id" for users, "id" for the
// others. No token is needed and nothing is logged.
func (s *Sim) Seed(kind string, obj map[string]any) (string, error) {
	// A JSON round trip gives obj the shapes a request body has ([]any,
	// float64), whatever the caller built it with.
	b, err := json.Marshal(obj)
	if err != nil {
		return "", fmt.Errorf("auth0sim: seed %s: %v", kind, err)
	}
	var body map[string]any
	if err := json.Unmarshal(b, &body); err != nil || body == nil {
		return "", fmt.Errorf("auth0sim: seed %s: the object must be a JSON object", kind)
	}
	h := (*Sim).seedGrant
	if kind != "grants" {
		r, _ := match("POST", []string{kind})
		if r == nil {
			return "", fmt.Errorf("auth0sim: seed: unknown kind %q (known: %v)", kind, SeedKinds)
		}
		h = r.h
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	_, out := h(s, &call{rt: &route{missing: 400}, obj: body})
	if e, ok := out.(*apiErr); ok {
		return "", fmt.Errorf("auth0sim: seed %s: %s", kind, e.Error())
	}
	m, _ := out.(map[string]any)
	return str(m[idKey(kind)]), nil
}

// Objects returns copies of the tenant's objects of kind (one of
// SeedKinds), in creation order.
func (s *Sim) Objects(kind string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	list := s.t.objs[kind]
	out := make([]map[string]any, len(list))
	for i, m := range list {
		out[i] = copyMap(m)
	}
	return out
}

// Members returns the user ids of an organization's members, in the order
// they were added (nil for an unknown organization).
func (s *Sim) Members(orgID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	return append([]string(nil), s.t.orgMembers[orgID]...)
}

// RoleUsers returns the user ids holding a role, sorted.
func (s *Sim) RoleUsers(roleID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initLocked()
	out := append([]string(nil), s.t.roleUsers[roleID]...)
	sort.Strings(out)
	return out
}
