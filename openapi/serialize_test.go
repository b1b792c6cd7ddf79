package openapi

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var (
	styleString = "blue"
	styleArray  = []any{"blue", "black", "brown"}
	styleObject = []KeyValue{{"R", 100}, {"G", 200}, {"B", 150}}
)

const na = "n/a"

// TestStyleExamples is the Style Examples table of OpenAPI 3.1.1 (the
// corrected 3.1 table; see the package comment), for a parameter "color".
func TestStyleExamples(t *testing.T) {
	tests := []struct {
		style   string
		explode bool
		empty   string
		str     string
		array   string
		object  string
	}{
		{"matrix", false, ";color", ";color=blue", ";color=blue,black,brown", ";color=R,100,G,200,B,150"},
		{"matrix", true, ";color", ";color=blue", ";color=blue;color=black;color=brown", ";R=100;G=200;B=150"},
		{"label", false, ".", ".blue", ".blue,black,brown", ".R,100,G,200,B,150"},
		{"label", true, ".", ".blue", ".blue.black.brown", ".R=100.G=200.B=150"},
		{"simple", false, "", "blue", "blue,black,brown", "R,100,G,200,B,150"},
		{"simple", true, "", "blue", "blue,black,brown", "R=100,G=200,B=150"},
		{"form", false, "color=", "color=blue", "color=blue,black,brown", "color=R,100,G,200,B,150"},
		{"form", true, "color=", "color=blue", "color=blue&color=black&color=brown", "R=100&G=200&B=150"},
		{"spaceDelimited", false, na, na, "color=blue%20black%20brown", "color=R%20100%20G%20200%20B%20150"},
		{"pipeDelimited", false, na, na, "color=blue%7Cblack%7Cbrown", "color=R%7C100%7CG%7C200%7CB%7C150"},
		{"deepObject", true, na, na, na, "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"},
	}
	for _, tt := range tests {
		in := "query"
		switch tt.style {
		case "matrix", "label", "simple":
			in = "path"
		}
		p := &Parameter{Name: "color", In: in, Style: tt.style, Explode: tt.explode}
		for _, c := range []struct {
			kind string
			v    any
			want string
		}{{"empty", nil, tt.empty}, {"string", styleString, tt.str}, {"array", styleArray, tt.array}, {"object", styleObject, tt.object}} {
			if c.want == na {
				continue
			}
			got, err := p.Serialize(c.v)
			if err != nil {
				t.Errorf("%s explode=%v %s: %v", tt.style, tt.explode, c.kind, err)
				continue
			}
			if got != c.want {
				t.Errorf("%s explode=%v %s: got %q, want %q", tt.style, tt.explode, c.kind, got, c.want)
			}
		}
	}
}

// The simple rows apply to headers too (unescaped).
func TestSerializeHeader(t *testing.T) {
	tests := []struct {
		explode bool
		v       any
		want    string
	}{
		{false, "blue", "blue"},
		{false, styleArray, "blue,black,brown"},
		{true, styleArray, "blue,black,brown"},
		{false, styleObject, "R,100,G,200,B,150"},
		{true, styleObject, "R=100,G=200,B=150"},
		{false, nil, ""},
		{false, "Bearer a b/c=", "Bearer a b/c="},
		{false, 42.0, "42"},
		{false, json.Number("12345678901234567890"), "12345678901234567890"},
		{false, true, "true"},
	}
	for _, tt := range tests {
		p := &Parameter{Name: "X-Color", In: "header", Style: "simple", Explode: tt.explode}
		got, err := p.SerializeHeader(tt.v)
		if err != nil || got != tt.want {
			t.Errorf("explode=%v %v: got %q, %v; want %q", tt.explode, tt.v, got, err, tt.want)
		}
	}
}

func TestSerializeHeaderRejectsLineBreaks(t *testing.T) {
	p := NewParameter("X-A", "header")
	for _, v := range []any{"a\r\nSet-Cookie: x=y", "a\nb", []any{"a", "b\x00"}} {
		if _, err := p.SerializeHeader(v); err == nil {
			t.Errorf("%q: want an error", v)
		}
	}
}

func TestSerializeCookie(t *testing.T) {
	tests := []struct {
		explode bool
		v       any
		want    string
	}{
		{true, "blue", "color=blue"},
		{false, styleArray, "color=blue,black,brown"},
		{true, styleArray, "color=blue; color=black; color=brown"},
		{false, styleObject, "color=R,100,G,200,B,150"},
		{true, styleObject, "R=100; G=200; B=150"},
		{true, nil, "color="},
		{true, "a b;c", "color=a%20b%3Bc"},
	}
	for _, tt := range tests {
		p := &Parameter{Name: "color", In: "cookie", Style: "form", Explode: tt.explode}
		got, err := p.SerializeCookie(tt.v)
		if err != nil || got != tt.want {
			t.Errorf("explode=%v %v: got %q, %v; want %q", tt.explode, tt.v, got, err, tt.want)
		}
	}
}

func TestReservedEscaping(t *testing.T) {
	const reserved = ":/?#[]@!$&'()*+,;="
	tests := []struct {
		name string
		p    Parameter
		v    any
		want string
	}{
		{"path simple escapes every reserved char", Parameter{Name: "id", In: "path", Style: "simple"}, reserved,
			"%3A%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D"},
		{"path escapes space and percent", Parameter{Name: "id", In: "path", Style: "simple"}, "a b%20c", "a%20b%2520c"},
		{"path keeps unreserved", Parameter{Name: "id", In: "path", Style: "simple"}, "A-z_0.9~", "A-z_0.9~"},
		{"path utf-8", Parameter{Name: "id", In: "path", Style: "simple"}, "é", "%C3%A9"},
		{"path comma inside array item vs delimiter", Parameter{Name: "id", In: "path", Style: "simple"}, []any{"a,b", "c"}, "a%2Cb,c"},
		{"path label", Parameter{Name: "id", In: "path", Style: "label"}, "a.b/c", ".a.b%2Fc"},
		{"path matrix name escaped", Parameter{Name: "a b", In: "path", Style: "matrix"}, "x;y", ";a%20b=x%3By"},
		{"query form escapes reserved", Parameter{Name: "q", In: "query", Style: "form", Explode: true}, reserved,
			"q=%3A%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D"},
		{"query allowReserved keeps the safe ones", Parameter{Name: "q", In: "query", Style: "form", Explode: true, AllowReserved: true}, reserved,
			"q=:/?%23%5B%5D@!$%26'()*%2B,;%3D"},
		{"query allowReserved keeps percent triples", Parameter{Name: "q", In: "query", Style: "form", Explode: true, AllowReserved: true}, "a%2Fb%zz c",
			"q=a%2Fb%25zz%20c"},
		{"query space is %20 not +", Parameter{Name: "q", In: "query", Style: "form", Explode: true}, "a b+c", "q=a%20b%2Bc"},
		{"query name escaped", Parameter{Name: "filter[status]", In: "query", Style: "form", Explode: true}, "x", "filter%5Bstatus%5D=x"},
		{"query array items escaped, delimiter not", Parameter{Name: "q", In: "query", Style: "form"}, []any{"a,b", "c&d"}, "q=a%2Cb,c%26d"},
		{"query exploded object keys escaped", Parameter{Name: "q", In: "query", Style: "form", Explode: true}, map[string]any{"a b": "c=d"}, "a%20b=c%3Dd"},
		{"deepObject nested", Parameter{Name: "f", In: "query", Style: "deepObject", Explode: true},
			map[string]any{"a": map[string]any{"b": 1.0}, "c": []any{"x", "y"}},
			"f%5Ba%5D%5Bb%5D=1&f%5Bc%5D=x&f%5Bc%5D=y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.p.Serialize(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSerializeValues(t *testing.T) {
	p := &Parameter{Name: "v", In: "path", Style: "simple"}
	tests := []struct {
		v    any
		want string
	}{
		{1.5, "1.5"},
		{100.0, "100"},
		{1e21, "1000000000000000000000"},
		{int64(-7), "-7"},
		{uint8(7), "7"},
		{false, "false"},
		{json.Number("1.0e3"), "1.0e3"},
		{[]string{"a", "b"}, "a,b"},
		{[]int{1, 2}, "1,2"},
		{map[string]string{"b": "2", "a": "1"}, "a,1,b,2"},     // maps: sorted keys
		{[]any{map[string]any{"a": 1.0}}, "%7B%22a%22%3A1%7D"}, // nested: JSON
		{[]any{"x", nil}, "x,"},                                // nil item: empty
		{[]any{}, ""},                                          // empty: undefined
		{time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), "2024-01-02T03%3A04%3A05Z"},
	}
	for _, tt := range tests {
		got, err := p.SerializePath(tt.v)
		if err != nil || got != tt.want {
			t.Errorf("%#v: got %q, %v; want %q", tt.v, got, err, tt.want)
		}
	}
}

func TestSerializeErrors(t *testing.T) {
	tests := []struct {
		name string
		p    Parameter
		v    any
		want string
	}{
		{"deepObject with array", Parameter{Name: "f", In: "query", Style: "deepObject", Explode: true}, []any{"a"}, "needs an object"},
		{"deepObject with string", Parameter{Name: "f", In: "query", Style: "deepObject", Explode: true}, "a", "needs an object"},
		{"form in path", Parameter{Name: "id", In: "path", Style: "form"}, "a", "not allowed for path"},
		{"matrix in query", Parameter{Name: "q", In: "query", Style: "matrix"}, "a", "not allowed for query"},
		{"label in header", Parameter{Name: "h", In: "header", Style: "label"}, "a", "not allowed for header"},
		{"simple in cookie", Parameter{Name: "c", In: "cookie", Style: "simple"}, "a", "not allowed for cookie"},
		{"unknown in", Parameter{Name: "x", In: "body"}, "a", "unknown location"},
		{"map with int keys", Parameter{Name: "x", In: "path", Style: "simple"}, map[int]string{1: "a"}, "int keys"},
		{"unencodable", Parameter{Name: "x", In: "path", Style: "simple"}, []any{make(chan int)}, "cannot serialize"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.p.Serialize(tt.v)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), `"`+tt.p.Name+`"`) {
				t.Errorf("error %q does not name the parameter", err)
			}
		})
	}
}

// Delimited styles with a primitive or explode=true fall back to form.
func TestDelimitedFallbacks(t *testing.T) {
	tests := []struct {
		p    Parameter
		v    any
		want string
	}{
		{Parameter{Name: "c", In: "query", Style: "spaceDelimited"}, "blue", "c=blue"},
		{Parameter{Name: "c", In: "query", Style: "pipeDelimited", Explode: true}, styleArray, "c=blue&c=black&c=brown"},
		{Parameter{Name: "c", In: "query", Style: "deepObject", Explode: true}, nil, ""},
	}
	for _, tt := range tests {
		got, err := tt.p.Serialize(tt.v)
		if err != nil || got != tt.want {
			t.Errorf("%s %v: got %q, %v; want %q", tt.p.Style, tt.v, got, err, tt.want)
		}
	}
}

func TestNewParameterDefaults(t *testing.T) {
	tests := []struct {
		in, style string
		explode   bool
	}{
		{"path", "simple", false},
		{"header", "simple", false},
		{"query", "form", true},
		{"cookie", "form", true},
	}
	for _, tt := range tests {
		p := NewParameter("x", tt.in)
		if p.Style != tt.style || p.Explode != tt.explode {
			t.Errorf("%s: got %s/%v, want %s/%v", tt.in, p.Style, p.Explode, tt.style, tt.explode)
		}
	}
	if got, _ := NewParameter("ids", "query").Serialize([]any{1.0, 2.0}); got != "ids=1&ids=2" {
		t.Errorf("undeclared query array: %q", got)
	}
}

func TestContentParameter(t *testing.T) {
	p := &Parameter{Name: "filter", In: "query", Style: "form", Explode: true, ContentType: "application/json"}
	got, err := p.Serialize(map[string]any{"a": []any{1.0, "x y"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "filter=%7B%22a%22%3A%5B1%2C%22x%20y%22%5D%7D"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	p.ContentType = "text/plain"
	if got, _ := p.Serialize("a,b"); got != "filter=a%2Cb" {
		t.Errorf("text/plain: %q", got)
	}
}

func TestEncodeQuery(t *testing.T) {
	if got := EncodeQuery([]QueryPair{{"a", "1"}, {"b", ""}, {"a", "2"}}); got != "a=1&b=&a=2" {
		t.Errorf("got %q", got)
	}
	if got := EncodeQuery(nil); got != "" {
		t.Errorf("got %q", got)
	}
}
