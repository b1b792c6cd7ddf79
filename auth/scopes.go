package auth

import (
	"sort"
	"strings"

	"github.com/arazzo-run/arazzo/openapi"
)

// ScopeReport says which scopes each security scheme needs, for `arazzo
// scopes` and `describe`.
type ScopeReport struct{ Schemes []SchemeScopes }

// SchemeScopes is the need of one security scheme of one source.
type SchemeScopes struct {
	Source, Scheme string
	// Kind is "http bearer", "http basic", "apiKey header" (query, cookie),
	// "oauth2 clientCredentials" (or the flows it has), "openIdConnect", ...
	Kind string
	// Total is every scope the steps need, sorted and de-duplicated.
	Total []string
	// PerStep lists every step whose operation names the scheme in one of
	// its security alternatives, in use order (Scopes may be empty).
	PerStep []StepScopes
	// Flag and EnvVar are the --auth flag (with a placeholder value) and
	// the environment variable a run needs for this scheme. The flag is
	// source-qualified when two sources declare a scheme of that name.
	Flag, EnvVar string
}

// StepScopes is what one step needs from one scheme.
type StepScopes struct {
	StepID      string
	OperationID string
	// Scopes are the scopes the operation lists for the scheme (the union
	// over its alternatives naming the scheme), sorted.
	Scopes []string
}

// Scopes reports, for each scheme named by the security of the operations
// the uses call, the scopes each step needs and their total. It looks at
// every alternative (it cannot know which credentials a run will have), so
// for an operation allowing "bearerAuth or oAuth2ClientCredentials" both
// schemes are listed. Schemes are sorted by source then name.
func Scopes(uses []Use) ScopeReport {
	type key struct{ source, scheme string }
	idx := map[key]int{}
	var out []SchemeScopes
	sourcesOf := map[string]map[string]bool{} // scheme -> sources
	for _, u := range uses {
		if u.Op == nil || u.Doc == nil {
			continue
		}
		perScheme := map[string][]string{}
		var order []string
		for _, alt := range u.Op.Security {
			for _, name := range sortedKeys(alt) {
				if _, ok := perScheme[name]; !ok {
					order = append(order, name)
					perScheme[name] = []string{}
				}
				perScheme[name] = appendUnique(perScheme[name], alt[name]...)
			}
		}
		for _, name := range order {
			k := key{u.Source, name}
			i, ok := idx[k]
			if !ok {
				i = len(out)
				idx[k] = i
				out = append(out, SchemeScopes{Source: u.Source, Scheme: name, Kind: kind(u.Doc.SecuritySchemes[name])})
				if sourcesOf[name] == nil {
					sourcesOf[name] = map[string]bool{}
				}
				sourcesOf[name][u.Source] = true
			}
			sc := append([]string(nil), perScheme[name]...)
			sort.Strings(sc)
			out[i].PerStep = append(out[i].PerStep, StepScopes{StepID: u.StepID, OperationID: u.Op.ID, Scopes: sc})
			out[i].Total = appendUnique(out[i].Total, sc...)
			if out[i].Flag == "" {
				out[i].Flag = placeholder(u.Doc.SecuritySchemes[name])
			}
		}
	}
	for i := range out {
		s := &out[i]
		sort.Strings(s.Total)
		if s.Total == nil {
			s.Total = []string{}
		}
		name := s.Scheme
		if len(sourcesOf[s.Scheme]) > 1 {
			name = s.Source + "." + s.Scheme
		}
		s.Flag = "--auth " + name + "=" + s.Flag
		s.EnvVar = EnvVar(name)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Source != out[j].Source {
			return out[i].Source < out[j].Source
		}
		return out[i].Scheme < out[j].Scheme
	})
	return ScopeReport{Schemes: out}
}

func kind(s *openapi.SecurityScheme) string {
	if s == nil {
		return "undeclared"
	}
	switch s.Type {
	case "http":
		return "http " + strings.ToLower(s.Scheme)
	case "apiKey":
		return "apiKey " + strings.ToLower(s.In)
	case "oauth2":
		if s.Flows == nil {
			return "oauth2"
		}
		var flows []string
		if s.Flows.ClientCredentials != nil {
			flows = append(flows, "clientCredentials")
		}
		if s.Flows.AuthorizationCode != nil {
			flows = append(flows, "authorizationCode")
		}
		if s.Flows.Implicit != nil {
			flows = append(flows, "implicit")
		}
		if s.Flows.Password != nil {
			flows = append(flows, "password")
		}
		if len(flows) == 0 {
			return "oauth2"
		}
		return "oauth2 " + strings.Join(flows, " ")
	}
	return s.Type
}

// placeholder is the value shape a scheme's --auth flag wants.
func placeholder(s *openapi.SecurityScheme) string {
	if s == nil {
		return "VALUE"
	}
	switch s.Type {
	case "http":
		if strings.EqualFold(s.Scheme, "basic") {
			return "USER:PASSWORD"
		}
		return "TOKEN"
	case "apiKey":
		return "KEY"
	case "oauth2", "openIdConnect":
		return "CLIENT_ID:CLIENT_SECRET"
	}
	return "VALUE"
}
