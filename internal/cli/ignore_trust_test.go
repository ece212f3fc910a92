package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// sudo-1.9.16p2 is affected by 24f4b495-56a1-11f0-9621-93abbef07693, which
// lists CVE-2025-32462 and CVE-2025-32463.
const trustVuXML2025 = "../../testdata/vuxml/vuln-2025.xml"

// Issue 11, C.12: a rule naming one CVE of a multi-CVE advisory leaves the
// finding, reported with the other CVE; naming both silences it.
func TestAuditIgnoreOneCVEOfMany(t *testing.T) {
	dir := t.TempDir()
	one := auditWrite(t, dir, "one.toml", "[[IgnoredVulns]]\nid = \"CVE-2025-32463\"\nreason = \"no chroot\"\n")
	both := auditWrite(t, dir, "both.toml", "[[IgnoredVulns]]\nid = \"CVE-2025-32463\"\nreason = \"no chroot\"\n\n[[IgnoredVulns]]\nid = \"cve-2025-32462\"\npackage = \"sudo\"\nreason = \"no host option\"\n")

	out, errOut, code := run(t, "", "audit", "-f", trustVuXML2025, "--ignore", one, "sudo-1.9.16p2")
	want := `sudo-1.9.16p2 is vulnerable:
  sudo -- privilege escalation vulnerability through host and chroot options
  CVE: CVE-2025-32462
  WWW: https://vuxml.FreeBSD.org/freebsd/24f4b495-56a1-11f0-9621-93abbef07693.html

1 problem(s) in 1 package(s) found.
Ignore rules silenced 1 CVE name(s) of the findings above (--show-ignored lists them).
`
	if code != ExitFound || out != want {
		t.Errorf("one CVE ignored: exit %d, stderr %q, stdout\n%s\nwant\n%s", code, errOut, out, want)
	}
	// pkg's -Rjson lists the remaining CVE only.
	out, _, _ = run(t, "", "audit", "-Rjson-compact", "-f", trustVuXML2025, "--ignore", one, "sudo-1.9.16p2")
	if !strings.Contains(out, `"cve":["CVE-2025-32462"]`) {
		t.Errorf("pkg-json: %s", out)
	}
	// JSON marks the one CVE as ignored, the finding is not.
	out, _, code = run(t, "", "audit", "--format", "json", "-f", trustVuXML2025, "--ignore", one, "sudo-1.9.16p2")
	var rep struct {
		Results []struct {
			Vulnerabilities []struct {
				CVEs        []string `json:"cves"`
				Ignored     any      `json:"ignored"`
				IgnoredCVEs []struct {
					CVE, Reason, Where string
				} `json:"ignored_cves"`
			} `json:"vulnerabilities"`
		} `json:"results"`
		Summary struct {
			VulnerablePackages int `json:"vulnerable_packages"`
			Ignored            int `json:"ignored"`
			IgnoredCVEs        int `json:"ignored_cves"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != ExitFound {
		t.Fatalf("json: exit %d, %v", code, err)
	}
	if len(rep.Results) != 1 || len(rep.Results[0].Vulnerabilities) != 1 {
		t.Fatalf("json results: %s", out)
	}
	v := rep.Results[0].Vulnerabilities[0]
	if v.Ignored != nil || len(v.IgnoredCVEs) != 1 || v.IgnoredCVEs[0].CVE != "CVE-2025-32463" || v.IgnoredCVEs[0].Reason != "no chroot" ||
		v.IgnoredCVEs[0].Where != one+":1" || len(v.CVEs) != 2 || rep.Summary.VulnerablePackages != 1 || rep.Summary.IgnoredCVEs != 1 {
		t.Errorf("json: %+v %+v", v, rep.Summary)
	}
	// SARIF: not suppressed, the CVE marked.
	out, _, _ = run(t, "", "audit", "--format", "sarif", "-f", trustVuXML2025, "--ignore", one, "sudo-1.9.16p2")
	if strings.Contains(out, `"suppressions"`) || !strings.Contains(out, `"ignoredCves"`) {
		t.Errorf("sarif: %s", out)
	}

	// Every CVE ignored (by two rules): silenced.
	out, errOut, code = run(t, "", "audit", "-f", trustVuXML2025, "--ignore", both, "sudo-1.9.16p2")
	if want := "0 problem(s) in 0 package(s) found.\nIgnore rules silenced 1 finding(s) in 1 package(s) (--show-ignored lists them).\n"; code != ExitOK || out != want {
		t.Errorf("both CVEs ignored: exit %d, %q, %q", code, out, errOut)
	}
}

// Issue 11, C.13: blank items are errors, never match-all; nothing ignored
// leaves pkg's text untouched.
func TestAuditIgnoreBlankItems(t *testing.T) {
	dir := t.TempDir()
	blank := auditWrite(t, dir, "blank.toml", "[[IgnoredVulns]]\nid = \"CVE-2025-32463\"\npackage = \" \"\nreason = \"r\"\n")
	for _, tc := range []struct {
		env  map[string]string
		args []string
		msg  string
	}{
		{map[string]string{"AUDIT_IGNORE_REGEX": "^x$,"}, nil, "AUDIT_IGNORE_REGEX"},
		{map[string]string{"AUDIT_IGNORE_GLOB": "foo*, ,bar"}, nil, "AUDIT_IGNORE_GLOB"},
		{nil, []string{"--ignore", blank}, "blank.toml:1"},
	} {
		args := append([]string{"audit", "-f", trustVuXML2025}, tc.args...)
		out, errOut, code := runEnv(t, tc.env, "", append(args, "sudo-1.9.16p2")...)
		if code != ExitError || !strings.Contains(errOut, tc.msg) || out != "" {
			t.Errorf("%v %v: exit %d, stdout %q, stderr %q", tc.env, tc.args, code, out, errOut)
		}
	}
	// A rule that silences nothing adds nothing to pkg's output.
	none := auditWrite(t, dir, "none.toml", "[[IgnoredVulns]]\nid = \"CVE-1999-0001\"\nreason = \"r\"\n")
	plain, _, _ := run(t, "", "audit", "-f", trustVuXML2025, "sudo-1.9.16p2")
	with, _, _ := runEnv(t, map[string]string{"AUDIT_IGNORE_GLOB": "zzz*"}, "", "audit", "-f", trustVuXML2025, "--ignore", none, "sudo-1.9.16p2")
	if plain != with || strings.Contains(plain, "Ignore") {
		t.Errorf("output changed by rules that silence nothing:\n%s\n%s", plain, with)
	}
}
