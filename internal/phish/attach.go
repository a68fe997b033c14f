package phish

import (
	"archive/zip"
	"bytes"
	"path"
	"strings"
)

var (
	macroExt   = set("docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppam", "sldm")
	riskyExt   = set("iso", "img", "vhd", "vhdx", "lnk", "hta", "js", "jse", "vbs", "vbe", "wsf", "wsh", "exe", "scr", "bat", "cmd", "ps1", "msi", "jar", "one", "cpl", "pif", "reg", "chm", "xll", "application")
	htmlExt    = set("htm", "html", "shtml", "xhtml", "svg")
	archiveExt = set("zip", "rar", "7z", "gz", "tgz", "ace", "cab")
	docExt     = set("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "jpg", "jpeg", "png", "rtf", "csv")
)

func set(xs ...string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func ext(name string) string {
	return strings.TrimPrefix(strings.ToLower(path.Ext(strings.TrimSpace(name))), ".")
}

// attachFinding is one attachment signal.
type attachFinding struct {
	feature string
	text    string
	name    string
}

// inspectAttachment derives the attachment signals of one part. Archives
// are listed from their central directory only (never decompressed).
func inspectAttachment(a Attachment) []attachFinding {
	name := a.Name
	e := ext(name)
	var out []attachFinding
	add := func(f, t string) { out = append(out, attachFinding{f, t, name}) }
	if d := doubleExtension(name); d {
		add("att_double_ext", "attachment name hides its real type behind a second extension")
	}
	switch {
	case macroExt[e]:
		add("att_macro", "macro-enabled Office document")
	case riskyExt[e]:
		add("att_risky_type", "attachment type that runs code or mounts a disk (."+e+")")
	case htmlExt[e]:
		low := bytes.ToLower(capBytes(a.Content, MaxHTMLBytes))
		if bytes.Contains(low, []byte("<form")) || bytes.Contains(low, []byte("<script")) {
			add("att_html_active", "HTML attachment with a form or script (opens a local credential page or builds a file)")
		}
	case e == "doc" || e == "xls" || e == "ppt":
		if bytes.Contains(a.Content, []byte("_VBA_PROJECT")) || bytes.Contains(a.Content, []byte("V\x00B\x00A\x00")) {
			add("att_macro", "Office 97-2003 document containing a VBA macro project")
		}
	case e == "docx" || e == "xlsx" || e == "pptx" || archiveExt[e] || a.ContentType == "application/zip":
		out = append(out, inspectZip(a)...)
	}
	return out
}

func inspectZip(a Attachment) []attachFinding {
	name := a.Name
	zr, err := zip.NewReader(bytes.NewReader(a.Content), int64(len(a.Content)))
	if err != nil { // not a zip (rar, 7z, damaged): nothing more can be read
		return nil
	}
	var out []attachFinding
	encrypted, macro := false, false
	var risky string
	for i, f := range zr.File {
		if i >= MaxZipEntries {
			break
		}
		if f.Flags&1 != 0 {
			encrypted = true
		}
		low := strings.ToLower(f.Name)
		if strings.HasSuffix(low, "vbaproject.bin") {
			macro = true
		}
		if x := ext(low); riskyExt[x] || macroExt[x] || doubleExtension(low) {
			risky = f.Name
		}
	}
	if encrypted {
		out = append(out, attachFinding{"att_encrypted_archive", "password-protected archive (content cannot be scanned)", name})
	}
	if macro {
		out = append(out, attachFinding{"att_macro", "Office document containing a VBA macro project", name})
	}
	if risky != "" {
		out = append(out, attachFinding{"att_risky_type", "archive contains a file that runs code: " + capString(risky, 120), name})
	}
	return out
}

// doubleExtension: "invoice.pdf.exe", "scan.pdf   .js".
func doubleExtension(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	last := ext(n)
	if last == "" {
		return false
	}
	rest := strings.TrimRight(strings.TrimSuffix(n, "."+last), " ")
	inner := ext(rest)
	return docExt[inner] && (riskyExt[last] || htmlExt[last] || macroExt[last])
}

func capBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
