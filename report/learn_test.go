package report

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/arazzo-run/arazzo/runtime"
)

func TestSecrets(t *testing.T) {
	tests := []struct {
		name string
		run  *runtime.StepRun
		want []string
	}{
		{"nil", nil, nil},
		{"nothing secret", &runtime.StepRun{
			Request:  &runtime.RequestRecord{URL: "http://h/p?q=1", Header: http.Header{"Accept": {"*/*"}}},
			Response: &runtime.ResponseRecord{Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"id":"abcdef"}`)},
		}, nil},
		{"every place", &runtime.StepRun{
			Request: &runtime.RequestRecord{URL: "http://u:url-pass@h/p?api_key=query-key&x=1",
				Header: http.Header{"Authorization": {"Bearer bearer-tok"}, "Cookie": {"a=cookie-1; b=cookie-2"}, "X-Api-Key": {"header-key"},
					"Content-Type": {"application/x-www-form-urlencoded"}},
				Body: []byte("client_secret=form-secret&grant_type=client_credentials")},
			Response: &runtime.ResponseRecord{Header: http.Header{"Set-Cookie": {"s=set-cookie; Path=/"}, "Content-Type": {"application/json"}},
				Body: []byte(`{"access_token":"body-token","nested":{"password":"body-pass"},"id":"x"}`)},
		}, []string{"bearer-tok", "body-pass", "body-token", "cookie-1", "cookie-2", "form-secret", "header-key", "query-key", "set-cookie", "url-pass"}},
		{"short values are not learned", &runtime.StepRun{
			Response: &runtime.ResponseRecord{Body: []byte(`{"token":"abc"}`)},
		}, nil},
	}
	for _, tt := range tests {
		if got := Secrets(tt.run); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}
