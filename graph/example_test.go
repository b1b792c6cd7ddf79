package graph_test

import (
	"fmt"
	"os"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/graph"
)

func ExampleWrite() {
	src := `arazzo: 1.0.1
info: {title: Example, version: 1.0.0}
sourceDescriptions:
  - {name: api, url: ./api.yaml, type: openapi}
workflows:
  - workflowId: get-pet
    steps:
      - stepId: getPet
        operationId: getPetById
        successCriteria:
          - condition: $statusCode == 200
        onFailure:
          - name: busy
            type: retry
            retryAfter: 1
            retryLimit: 3
            criteria:
              - condition: $statusCode == 503
`
	doc, diags := arazzo.Parse([]byte(src), "example.arazzo.yaml")
	if diags.HasErrors() {
		fmt.Println(diags.Err())
		return
	}
	err := graph.Write(os.Stdout, doc, graph.Options{
		Format: graph.DOT,
		// The CLI labels steps with the method and path of the resolved operation.
		Operation: func(s *arazzo.Step) string { return "GET /pets/{petId}" },
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// digraph arazzo {
	//   rankdir=TB;
	//   node [shape=box, style=rounded, fontname="Helvetica", fontsize=11];
	//   edge [fontname="Helvetica", fontsize=9];
	//   subgraph "cluster_wf_get_pet" {
	//     label="get-pet";
	//     style=rounded;
	//     "wf_get_pet__start" [label="start", shape=oval, style=filled, fillcolor="#e8f0fe", color="#1a73e8"];
	//     "wf_get_pet__s_getPet" [label="getPet\nGET /pets/{petId}"];
	//     "wf_get_pet__end_success" [label="end: success", shape=oval, style=filled, fillcolor="#e6f4ea", color="#137333"];
	//     "wf_get_pet__end_failure" [label="end: failure", shape=oval, style=filled, fillcolor="#fce8e6", color="#c5221f"];
	//     "wf_get_pet__start" -> "wf_get_pet__s_getPet";
	//     "wf_get_pet__s_getPet" -> "wf_get_pet__end_success";
	//     "wf_get_pet__s_getPet" -> "wf_get_pet__s_getPet" [label="busy: retry ≤ 3, after 1s\nif $statusCode == 503", style=dashed, color="#c5221f", fontcolor="#c5221f"];
	//     "wf_get_pet__s_getPet" -> "wf_get_pet__end_failure" [label="break", style=dashed, color="#c5221f", fontcolor="#c5221f"];
	//   }
	// }
}
