package report

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromiumPath is $CHROMIUM, else /usr/bin/chromium; "" when absent.
func chromiumPath() string {
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium"} {
		if p == "" {
			continue
		}
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	return ""
}

// runChromium runs headless Chromium on file with the extra arguments and
// returns its stdout. Everything that could reach the network is off; the
// page itself loads nothing anyway.
func runChromium(bin, profile, file string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-extensions", "--hide-scrollbars", "--user-data-dir=" + profile}
	cmd := exec.CommandContext(ctx, bin, append(append(base, args...), "file://"+file)...)
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s: %v\n%s", bin, err, stderr.Bytes())
	}
	return stdout.Bytes(), nil
}

var innerTextRE = regexp.MustCompile(`(?s)<pre id="innertext">(.*?)</pre>`)

// TestHTMLInBrowser loads the report of a failed run in headless Chromium:
// the failing step and its reason are visible, no secret is in the page
// text or the DOM, a response body holding a <script> is shown as text
// and not run, and a screenshot is saved as a test artifact
// ($ARAZZO_TEST_ARTIFACTS, else the system temporary directory).
func TestHTMLInBrowser(t *testing.T) {
	bin := chromiumPath()
	if bin == "" {
		t.Skip("Chromium not found at $CHROMIUM or /usr/bin/chromium (Debian: apt-get install chromium): the HTML report is not checked in a browser")
	}
	if testing.Short() {
		t.Skip("-short: not starting a browser")
	}
	res, meta, doc, secrets := liveShopRun(t)
	page := writeHTML(t, res, meta, nil, HTMLOptions{Document: doc})
	dir := t.TempDir()
	report := filepath.Join(dir, "report.html")
	if err := os.WriteFile(report, []byte(page), 0o600); err != nil {
		t.Fatal(err)
	}
	// A copy that runs one script of ours: it copies what the browser
	// renders as text (document.body.innerText: folded <details> are not
	// in it) into the DOM, where --dump-dom shows it. The report's
	// Content-Security-Policy forbids every script, so the copy allows
	// inline ones, which also makes the escaping check meaningful: were a
	// body's <script> markup, it would run here.
	probe := `<script>document.body.setAttribute("data-probe","ran");` +
		`var p=document.createElement("pre");p.id="innertext";p.textContent=document.body.innerText;document.body.appendChild(p);</script></body>`
	probed := strings.Replace(page, "default-src 'none'", "default-src 'none'; script-src 'unsafe-inline'", 1)
	probed = strings.Replace(probed, "</body>", probe, 1)
	textFile := filepath.Join(dir, "probe.html")
	if err := os.WriteFile(textFile, []byte(probed), 0o600); err != nil {
		t.Fatal(err)
	}

	shot := filepath.Join(os.TempDir(), "arazzo-html-report.png")
	if d := os.Getenv("ARAZZO_TEST_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		shot = filepath.Join(d, "arazzo-html-report.png")
	}
	os.Remove(shot)
	shotErr := make(chan error, 1)
	profile1, profile2 := t.TempDir(), t.TempDir()
	go func() { // the two browser runs are independent: save a few seconds
		_, err := runChromium(bin, profile1, report, "--screenshot="+shot, "--window-size=1280,2000")
		shotErr <- err
	}()
	out, err := runChromium(bin, profile2, textFile, "--dump-dom")
	if err2 := <-shotErr; err2 != nil {
		t.Fatal(err2)
	}
	if err != nil {
		t.Fatal(err)
	}
	dom := string(out)

	if !strings.Contains(dom, `data-probe="ran"`) {
		t.Fatalf("the probe script did not run; DOM:\n%.2000s", dom)
	}
	mt := innerTextRE.FindStringSubmatch(dom)
	if mt == nil {
		t.Fatalf("no rendered text in the DOM:\n%.2000s", dom)
	}
	text := html.UnescapeString(mt[1])
	for _, want := range []string{
		"✗ FAILED",
		"Step check failed",
		"$response.body#/status == 'shipped': got 'pending'",
		// The failed attempt's response is unfolded: its body, with the
		// <script> in it, is visible as text.
		`"note": "<script>document.title='pwned'</script>"`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the rendered page does not show %q", want)
		}
	}
	for _, s := range secrets {
		if strings.Contains(text, s) || strings.Contains(dom, s) {
			t.Errorf("secret %q in the page", s)
		}
	}
	if strings.Contains(dom, "pwned</title>") || strings.Contains(dom, "<title>pwned") {
		t.Error("a script from a response body ran")
	}

	png, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 10<<10 {
		t.Errorf("the screenshot %s is not a PNG of a page (%d bytes)", shot, len(png))
	}
	t.Logf("screenshot of the report of a failed run: %s", shot)
}
