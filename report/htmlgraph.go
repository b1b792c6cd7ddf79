package report

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/arazzo-run/arazzo/arazzo"
	"github.com/arazzo-run/arazzo/graph"
	"github.com/arazzo-run/arazzo/runtime"
)

// The graph of the HTML report is graph.Build's chart drawn as inline SVG
// in Go, so the page needs no script (Mermaid's is megabytes).
//
// Layout: each workflow is one column of boxes in document order (start,
// the steps, the success end, the failure end). An edge to the next box is
// a short arrow straight down; a retry is a loop on the box's left; every
// other edge leaves the box on its right and runs in a vertical lane
// beside the column to its target. Edges to the same target of the same
// kind share a lane (like a bus), and lanes are allotted greedily,
// shortest span first, so short jumps stay close to the column. Labels
// would collide in the lanes, so each box lists its outgoing edges as
// text instead ("✓ goto check if $statusCode == 200"), and the edges
// carry a tooltip.
//
// The path taken: visited steps are coloured by their last attempt
// (green passed, amber passed after failed attempts, red failed) with
// their attempt count; steps an earlier invocation completed (a resumed
// run, Meta.DoneEarlier) are green with a dashed border and "done earlier
// (journal)"; steps never reached are grey; the edges the run
// took, the start and the end reached are drawn bold.

// Geometry, in SVG user units (px).
const (
	gLeft     = 34  // room for retry loops left of the boxes
	gBoxW     = 420 // box width
	gGap      = 26  // vertical gap between boxes
	gTop      = 8
	gEndH     = 28 // start and end pills
	gStepH    = 44 // a step box without edge notes (notes add gNoteH each)
	gNoteH    = 15 // one edge note
	gLane0    = 16 // first lane's distance from the boxes
	gLaneStep = 12
	// Characters that fit a line of the box (approximate: the SVG has no
	// text measuring without script).
	gMonoChars = 56
	gNoteChars = 60
)

type (
	svgGraph struct {
		Title         string
		Width, Height int
		Nodes         []*svgNode
		Edges         []*svgEdge
	}
	svgNode struct {
		X, Y, W, H int
		Class      string // start, end-ok, end-fail, pass, warn, fail, idle, missing, ext
		Pill       bool
		Line1      string
		Line2      string
		Badge      string
		Title      string
		Href       string
		Notes      []svgNote
		// TextX, Line1Y... are computed for the template.
		TextX, CX, Line1Y, Line2Y, BadgeX int
	}
	svgNote struct {
		Y     int
		Text  string
		Class string
		Title string
	}
	svgEdge struct {
		D      string
		Class  string
		Marker string
		Title  string
		// From and To are the labels of the ends (for tests and reading).
		From, To string
	}
)

// graphs draws the chart of the run: from opts.Document when given (the
// run's workflow and every local workflow it reaches), else from the
// workflows and steps that ran (in the order of Meta.Steps when it lists
// them). The note says which.
func graphs(res *runtime.Result, runs []*runtime.StepRun, meta Meta, m *masker, opts HTMLOptions) ([]*svgGraph, string) {
	opLabel := map[[2]string]string{}
	for _, s := range runs {
		if s.Source != "" {
			continue
		}
		k := [2]string{s.Workflow, s.StepID}
		switch {
		case s.CalledWorkflow != "":
			opLabel[k] = "calls " + s.CalledWorkflow
		case s.Method != "" || s.PathTemplate != "":
			opLabel[k] = strings.TrimSpace(s.Method + " " + s.PathTemplate)
		}
	}
	var ch *graph.Chart
	note := ""
	if doc := opts.Document; doc != nil {
		// Step pointers are unique per workflow: learn each step's workflow
		// to find the label of the run.
		stepWF := map[*arazzo.Step]string{}
		for _, w := range doc.Workflows {
			if w == nil {
				continue
			}
			for _, s := range w.Steps {
				if s != nil {
					stepWF[s] = w.WorkflowID
				}
			}
		}
		c, err := graph.Build(doc, graph.Options{Workflow: res.WorkflowID, Operation: func(s *arazzo.Step) string {
			if l := opLabel[[2]string{stepWF[s], s.StepID}]; l != "" {
				return l
			}
			if opts.Operation != nil {
				return opts.Operation(s)
			}
			return ""
		}})
		if err == nil {
			ch = c
		}
	}
	if ch == nil {
		c, err := graph.Build(runDocument(res, runs, meta), graph.Options{Operation: func(s *arazzo.Step) string {
			if s.Description == "" {
				return "—" // never ran: the operation is not known
			}
			return s.Description
		}})
		if err != nil {
			return nil, ""
		}
		ch = c
		note = "Drawn from the run: only the default edges and those taken are known."
	}
	out := make([]*svgGraph, 0, len(ch.Workflows))
	for _, w := range ch.Workflows {
		out = append(out, drawWorkflow(w, ch, runs, m, meta.DoneEarlier[w.WorkflowID]))
	}
	return out, note
}

// runDocument is a stand-in document for a graph without the real one:
// the workflows that ran (the run's first), their steps from Meta.Steps or
// in the order they ran, and call steps where a step called a workflow.
// The operation label is carried in Description.
func runDocument(res *runtime.Result, runs []*runtime.StepRun, meta Meta) *arazzo.Document {
	doc := &arazzo.Document{}
	wfs := map[string]*arazzo.Workflow{}
	steps := map[[2]string]*arazzo.Step{}
	addWF := func(id string) *arazzo.Workflow {
		if w := wfs[id]; w != nil {
			return w
		}
		w := &arazzo.Workflow{WorkflowID: id}
		for _, sid := range meta.Steps[id] {
			s := &arazzo.Step{StepID: sid, OperationID: "-"}
			w.Steps = append(w.Steps, s)
			steps[[2]string{id, sid}] = s
		}
		wfs[id] = w
		doc.Workflows = append(doc.Workflows, w)
		return w
	}
	addWF(res.WorkflowID)
	for _, r := range runs {
		if r.Source != "" {
			continue
		}
		w := addWF(r.Workflow)
		k := [2]string{r.Workflow, r.StepID}
		s := steps[k]
		if s == nil {
			s = &arazzo.Step{StepID: r.StepID, OperationID: "-"}
			w.Steps = append(w.Steps, s)
			steps[k] = s
		}
		if r.CalledWorkflow != "" {
			s.OperationID, s.WorkflowID = "", r.CalledWorkflow
			s.Description = "calls " + r.CalledWorkflow
		} else if s.Description == "" {
			s.Description = strings.TrimSpace(r.Method + " " + r.PathTemplate)
		}
	}
	return doc
}

// taken is one transition the run made.
type taken struct {
	from, to string
	kind     graph.EdgeKind
	name     string
	def      bool
}

// doneEarlier are the step ids of w an earlier invocation completed (a
// resumed run, Meta.DoneEarlier): shown as done, not as "not reached".
func drawWorkflow(w graph.ChartWorkflow, ch *graph.Chart, runs []*runtime.StepRun, m *masker, doneEarlier []string) *svgGraph {
	g := &svgGraph{Title: m.str(w.WorkflowID)}
	earlier := make(map[string]bool, len(doneEarlier))
	for _, id := range doneEarlier {
		earlier[id] = true
	}
	index := map[string]int{}
	byStep := map[string]string{}
	var startID, okID, failID string
	for i, n := range w.Nodes {
		index[n.ID] = i
		switch n.Kind {
		case graph.NodeStart:
			startID = n.ID
		case graph.NodeSuccess:
			okID = n.ID
		case graph.NodeFailure:
			failID = n.ID
		case graph.NodeStep, graph.NodeCall:
			if _, dup := byStep[n.StepID]; !dup {
				byStep[n.StepID] = n.ID
			}
		case graph.NodeMissing:
			if id, ok := strings.CutPrefix(firstLine(n.Lines), "step "); ok {
				byStep[id] = n.ID
			}
		}
	}
	// Labels of edge ends: other workflows by their start, then this
	// workflow's boxes.
	label := map[string]string{}
	for _, n := range ch.Nodes {
		label[n.ID] = strings.Join(n.Lines, " ")
	}
	for _, cw := range ch.Workflows {
		for _, n := range cw.Nodes {
			if n.Kind == graph.NodeStart {
				label[n.ID] = "workflow " + cw.WorkflowID
			}
		}
	}
	for _, n := range w.Nodes {
		label[n.ID] = firstLine(n.Lines)
	}

	// The run's attempts of this workflow's steps, and the transitions.
	attempts := map[string][]*runtime.StepRun{}
	var moves []taken
	nextOf := func(id string) string {
		i, ok := index[id]
		if !ok {
			return okID
		}
		if i+1 < len(w.Nodes) {
			if k := w.Nodes[i+1].Kind; k == graph.NodeStep || k == graph.NodeCall {
				return w.Nodes[i+1].ID
			}
		}
		return okID
	}
	for _, s := range runs {
		if s.Source != "" || s.Workflow != w.WorkflowID {
			continue
		}
		from, ok := byStep[s.StepID]
		if !ok {
			continue
		}
		attempts[from] = append(attempts[from], s)
		a := s.Action
		if a == nil {
			continue
		}
		kind := graph.EdgeSuccess
		if a.Kind == arazzo.FailureAction {
			kind = graph.EdgeFailure
		}
		t := taken{from: from, kind: kind, name: a.Name, def: a.Default || a.Type == ""}
		switch {
		case t.def && kind == graph.EdgeSuccess:
			t.to = nextOf(from)
		case t.def:
			t.to = failID
		case a.Type == arazzo.ActionEnd && kind == graph.EdgeSuccess:
			t.to = okID
		case a.Type == arazzo.ActionEnd:
			t.to = failID
		case a.Type == arazzo.ActionRetry:
			t.to = from
		case a.Type == arazzo.ActionGoto && a.StepID != "":
			t.to = byStep[a.StepID]
		}
		if a.Type == arazzo.ActionGoto && a.StepID == "" || a.Type == arazzo.ActionRetry && (a.StepID != "" || a.WorkflowID != "") {
			// To another workflow, or a step run before retrying: match
			// by name among the edges leaving the step.
			moves = append(moves, taken{from: from, kind: kind, name: a.Name, to: "*"})
		}
		if t.to != "" {
			moves = append(moves, t)
		}
	}
	ran := len(attempts) > 0 || len(earlier) > 0

	// Edges of this workflow, marked taken; cross edges leaving it become
	// notes only.
	type edgeT struct {
		e     graph.ChartEdge
		taken bool
	}
	edges := make([]*edgeT, 0, len(w.Edges))
	for _, e := range w.Edges {
		edges = append(edges, &edgeT{e: e})
	}
	var cross []*edgeT
	for _, e := range ch.Edges {
		if _, ok := index[e.From]; ok && e.Kind != graph.EdgeDepends {
			// A step that ran called its workflow.
			cross = append(cross, &edgeT{e: e, taken: e.Kind == graph.EdgeCall && len(attempts[e.From]) > 0})
		}
	}
	reached := map[string]bool{}
	if ran {
		reached[startID] = true
		for _, e := range edges {
			if e.e.From == startID {
				e.taken = true
				break
			}
		}
	}
	for _, t := range moves {
		pool := edges
		if t.to == "*" {
			pool = append(append([]*edgeT(nil), edges...), cross...)
		}
		var match *edgeT
		for _, e := range pool {
			if e.e.From != t.from || e.e.Kind != t.kind || (t.to != "*" && e.e.To != t.to) {
				continue
			}
			l := firstLine(e.e.Lines)
			named := t.name != "" && (strings.HasPrefix(l, t.name+": ") || strings.HasPrefix(l, t.name+" (workflow): "))
			if t.to == "*" && !strings.Contains(l, "before retry") && !strings.Contains(l, "goto") {
				continue
			}
			if named || (t.def && !strings.Contains(l, ": ")) {
				match = e
				break
			}
			if match == nil && t.to != "*" {
				match = e
			}
		}
		if match != nil {
			match.taken = true
			reached[match.e.To] = true
		} else if t.to != "*" {
			// The chart has no such edge (a document changed since the
			// run, or a run drawn without it): draw the move anyway.
			ne := &edgeT{e: graph.ChartEdge{From: t.from, To: t.to, Kind: t.kind}, taken: true}
			if t.to == t.from {
				ne.e.Lines = []string{"retry"}
			}
			edges = append(edges, ne)
			reached[t.to] = true
		}
	}

	// Boxes.
	y := gTop
	nodes := make([]*svgNode, len(w.Nodes))
	for i, n := range w.Nodes {
		sn := &svgNode{X: gLeft, Y: y, W: gBoxW}
		switch n.Kind {
		case graph.NodeStart, graph.NodeSuccess, graph.NodeFailure:
			sn.Pill, sn.H = true, gEndH
			sn.Line1 = m.str(firstLine(n.Lines))
			sn.Class = map[graph.NodeKind]string{graph.NodeStart: "start", graph.NodeSuccess: "end-ok", graph.NodeFailure: "end-fail"}[n.Kind]
			if !reached[n.ID] {
				sn.Class += " idle"
			}
			sn.W = 150
			sn.X = gLeft + (gBoxW-sn.W)/2
		default:
			sn.Line1 = m.str(firstLine(n.Lines))
			if len(n.Lines) > 1 {
				sn.Line2 = m.str(strings.Join(n.Lines[1:], " "))
			}
			sn.Class = "idle"
			if n.Kind == graph.NodeMissing {
				sn.Class = "missing"
			}
			if as := attempts[n.ID]; len(as) > 0 {
				last := as[len(as)-1]
				anyFailed := false
				for _, a := range as {
					anyFailed = anyFailed || !a.Success
				}
				switch {
				case !last.Success:
					sn.Class, sn.Badge = "fail", "✗ failed"
				case anyFailed:
					sn.Class, sn.Badge = "warn", "✓ passed"
				default:
					sn.Class, sn.Badge = "pass", "✓ passed"
				}
				if len(as) > 1 {
					sn.Badge += " · " + plural(len(as), "attempt")
				}
				for j := len(runs) - 1; j >= 0; j-- {
					if runs[j] == last {
						sn.Href = "#attempt-" + strconv.Itoa(j+1)
						break
					}
				}
			} else if n.Kind != graph.NodeMissing && earlier[n.StepID] {
				sn.Class, sn.Badge = "pass earlier", "done earlier (journal)"
			} else if n.Kind != graph.NodeMissing {
				sn.Badge = "not reached"
			}
			// The edge notes: every labelled edge leaving the box.
			for _, e := range append(append([]*edgeT(nil), edges...), cross...) {
				if e.e.From != n.ID || len(e.e.Lines) == 0 {
					continue
				}
				if !e.taken && e.e.Kind == graph.EdgeFailure && len(e.e.Lines) == 1 && e.e.Lines[0] == "break" {
					continue // every step has it: noise unless taken
				}
				txt := strings.Join(e.e.Lines, " ")
				switch {
				case e.e.Kind == graph.EdgeCall:
					txt = "⇢ " + txt + " " + label[e.e.To]
				case e.e.From == e.e.To:
					txt = mark(e.e.Kind) + txt
				default:
					txt = mark(e.e.Kind) + txt + " → " + label[e.e.To]
				}
				cls := "note " + string(e.e.Kind)
				if e.taken {
					cls += " taken"
				}
				txt = m.str(txt)
				sn.Notes = append(sn.Notes, svgNote{Text: shortText(txt, gNoteChars), Title: txt, Class: cls})
			}
			sn.H = gStepH
			if len(sn.Notes) > 0 {
				sn.H += len(sn.Notes)*gNoteH - 2
			}
		}
		sn.Title = sn.Line1
		if sn.Line2 != "" {
			sn.Title += "\n" + sn.Line2
		}
		// The step id (13px bold, about 7.6px a character) shares its line
		// with the badge (11.5px bold, about 6.6px).
		sn.Line1 = shortText(sn.Line1, max(8, (gBoxW-36-utf8.RuneCountInString(sn.Badge)*66/10)*10/76))
		sn.Line2 = shortText(sn.Line2, gMonoChars)
		sn.TextX, sn.CX, sn.BadgeX = sn.X+12, sn.X+sn.W/2, sn.X+sn.W-10
		if sn.Pill {
			sn.Line1Y = sn.Y + sn.H/2 + 4
		} else {
			sn.Line1Y, sn.Line2Y = sn.Y+19, sn.Y+35
			for k := range sn.Notes {
				sn.Notes[k].Y = sn.Y + 52 + k*gNoteH
			}
		}
		nodes[i] = sn
		y += sn.H + gGap
	}
	g.Height = y - gGap + gTop

	// Edges. Group the lane edges by target and kind.
	type group struct {
		to     string
		kind   graph.EdgeKind
		es     []*edgeT
		lo, hi int // vertical extent
		lane   int
	}
	var groups []*group
	gi := map[string]*group{}
	outPorts := map[string]int{}
	selfLoops := map[string]int{}
	for _, e := range edges {
		fi, ok1 := index[e.e.From]
		ti, ok2 := index[e.e.To]
		if !ok1 || !ok2 {
			continue
		}
		f, t := nodes[fi], nodes[ti]
		cls, marker := edgeClass(e.e.Kind, e.taken)
		title := m.str(strings.TrimSpace(strings.Join(e.e.Lines, " ") + " → " + label[e.e.To]))
		switch {
		case fi == ti:
			// Nested loops on the box's left, one per retry action.
			k := selfLoops[e.e.From]
			selfLoops[e.e.From]++
			top := f.Y + 8 + k*5
			bottom := max(f.Y+f.H-8-k*5, top+6)
			g.Edges = append(g.Edges, &svgEdge{Class: cls, Marker: marker, Title: title, From: label[e.e.From], To: label[e.e.To],
				D: svgPath("M", f.X, top, "H", f.X-10-k*7, "V", bottom, "H", f.X-2)})
		case ti == fi+1:
			off := outPorts[e.e.From+"\x00down"]
			outPorts[e.e.From+"\x00down"]++
			x := gLeft + gBoxW/2 + off*14
			g.Edges = append(g.Edges, &svgEdge{Class: cls, Marker: marker, Title: title, From: label[e.e.From], To: label[e.e.To],
				D: svgPath("M", x, f.Y+f.H, "V", t.Y-2)})
		default:
			key := e.e.To + "\x00" + string(e.e.Kind)
			gr := gi[key]
			if gr == nil {
				gr = &group{to: e.e.To, kind: e.e.Kind, lo: t.Y, hi: t.Y}
				gi[key] = gr
				groups = append(groups, gr)
			}
			gr.es = append(gr.es, e)
			gr.lo, gr.hi = min(gr.lo, f.Y), max(gr.hi, f.Y+f.H)
		}
	}
	// Lanes: shortest span first, lowest free lane.
	order := append([]*group(nil), groups...)
	sort.SliceStable(order, func(i, j int) bool { return order[i].hi-order[i].lo < order[j].hi-order[j].lo })
	var laneUse [][][2]int
	lanes := 0
	for _, gr := range order {
		l := 0
		for ; l < len(laneUse); l++ {
			free := true
			for _, iv := range laneUse[l] {
				if gr.lo <= iv[1]+6 && iv[0] <= gr.hi+6 {
					free = false
					break
				}
			}
			if free {
				break
			}
		}
		if l == len(laneUse) {
			laneUse = append(laneUse, nil)
		}
		laneUse[l] = append(laneUse[l], [2]int{gr.lo, gr.hi})
		gr.lane = l
		lanes = max(lanes, l+1)
	}
	inPorts := map[string]int{}
	right := gLeft + gBoxW
	// Idle edges first, taken ones last, so the path taken is drawn on top.
	var idle, hot []*svgEdge
	for _, gr := range groups {
		t := nodes[index[gr.to]]
		k := inPorts[gr.to]
		inPorts[gr.to]++
		ty := t.Y + 9 + k*6
		if t.Pill {
			ty = t.Y + t.H/2 - 3 + k*5
		}
		tx := t.X + t.W
		lx := right + gLane0 + gr.lane*gLaneStep
		for _, e := range gr.es {
			f := nodes[index[e.e.From]]
			p := outPorts[e.e.From]
			outPorts[e.e.From]++
			fy := f.Y + f.H - 8 - p*6
			if f.Pill {
				fy = f.Y + f.H/2 + 3
			}
			fy = max(fy, f.Y+6)
			cls, marker := edgeClass(e.e.Kind, e.taken)
			se := &svgEdge{Class: cls, Marker: marker, From: label[e.e.From], To: label[e.e.To],
				Title: m.str(strings.TrimSpace(strings.Join(e.e.Lines, " ") + " → " + label[e.e.To])),
				D:     svgPath("M", f.X+f.W, fy, "H", lx, "V", ty, "H", tx+2)}
			if e.taken {
				hot = append(hot, se)
			} else {
				idle = append(idle, se)
			}
		}
	}
	// Straight and self-loop edges were appended to g.Edges already; keep
	// the same idle-then-taken order for all.
	for _, se := range g.Edges {
		if strings.Contains(se.Class, "taken") {
			hot = append(hot, se)
		} else {
			idle = append(idle, se)
		}
	}
	g.Edges = append(idle, hot...)
	g.Nodes = nodes
	g.Width = right + gLane0 + lanes*gLaneStep + 10
	return g
}

func edgeClass(k graph.EdgeKind, taken bool) (cls, marker string) {
	cls = "e " + string(k)
	marker = "url(#arrow-idle)"
	if taken {
		cls += " taken"
		if k == graph.EdgeFailure {
			marker = "url(#arrow-fail)"
		} else {
			marker = "url(#arrow-ok)"
		}
	}
	return cls, marker
}

func mark(k graph.EdgeKind) string {
	if k == graph.EdgeFailure {
		return "✗ "
	}
	return "✓ "
}

func firstLine(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return lines[0]
}

// svgPath writes SVG path data from commands and integers.
func svgPath(parts ...any) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch v := p.(type) {
		case string:
			b.WriteString(v)
		case int:
			b.WriteString(strconv.Itoa(v))
		}
	}
	return b.String()
}
