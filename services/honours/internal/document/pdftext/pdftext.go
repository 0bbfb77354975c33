// Package pdftext reads the text of a PDF back with where it stands on the
// page, for tests of the documents' layout. It runs poppler's pdftotext
// (-bbox-layout): without it a test skips, unless
// TDKT_TEST_REQUIRE_SERVICES=1, which makes that a failure (CI installs
// poppler-utils).
package pdftext

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// RequireServicesEnv turns a missing pdftotext into a failure when "1".
const RequireServicesEnv = "TDKT_TEST_REQUIRE_SERVICES"

// ptMM is one PDF point in millimetres.
const ptMM = 25.4 / 72

// Box is a rectangle in millimetres from the page's top left corner.
type Box struct {
	XMin, YMin, XMax, YMax float64
}

// CentreX is the middle of the box across the page.
func (b Box) CentreX() float64 { return (b.XMin + b.XMax) / 2 }

// Line is a line of text as pdftotext groups it: its words, NFC, joined
// by single spaces.
type Line struct {
	Box
	Text  string
	Words []Word
}

// Word is one word of a line.
type Word struct {
	Box
	Text string
}

// Page is one page: its size in millimetres and its lines in reading order.
type Page struct {
	Number        int // 1-based
	Width, Height float64
	Lines         []Line
}

// Find returns every run of consecutive words of a line that reads s
// (words joined by single spaces), as a Line whose box is that of the run:
// pdftotext may put side-by-side columns on one line.
func (p Page) Find(s string) []Line {
	want := strings.Fields(s)
	var out []Line
	for _, l := range p.Lines {
		for i := 0; i+len(want) <= len(l.Words); i++ {
			run := l.Words[i : i+len(want)]
			match := true
			for j, w := range run {
				if w.Text != want[j] {
					match = false
					break
				}
			}
			if !match {
				continue
			}
			m := Line{Box: run[0].Box, Text: strings.Join(want, " "), Words: run}
			for _, w := range run[1:] {
				m.XMin, m.YMin = min(m.XMin, w.XMin), min(m.YMin, w.YMin)
				m.XMax, m.YMax = max(m.XMax, w.XMax), max(m.YMax, w.YMax)
			}
			out = append(out, m)
		}
	}
	return out
}

// Text is the page's lines joined by single spaces.
func (p Page) Text() string {
	texts := make([]string, len(p.Lines))
	for i, l := range p.Lines {
		texts[i] = l.Text
	}
	return strings.Join(texts, " ")
}

// Read returns the pages of pdf with their lines and words.
func Read(t testing.TB, pdf []byte) []Page {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv(RequireServicesEnv) == "1" {
			t.Fatalf("pdftotext (poppler-utils) is not installed and %s=1", RequireServicesEnv)
		}
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-bbox-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages, err := parse(out)
	if err != nil {
		t.Fatalf("pdftotext output: %v", err)
	}
	return pages
}

type xmlBox struct {
	XMin float64 `xml:"xMin,attr"`
	YMin float64 `xml:"yMin,attr"`
	XMax float64 `xml:"xMax,attr"`
	YMax float64 `xml:"yMax,attr"`
}

func (b xmlBox) mm() Box { return Box{b.XMin * ptMM, b.YMin * ptMM, b.XMax * ptMM, b.YMax * ptMM} }

type xmlDoc struct {
	Pages []struct {
		Width  float64 `xml:"width,attr"`
		Height float64 `xml:"height,attr"`
		Flows  []struct {
			Blocks []struct {
				Lines []struct {
					xmlBox
					Words []struct {
						xmlBox
						Text string `xml:",chardata"`
					} `xml:"word"`
				} `xml:"line"`
			} `xml:"block"`
		} `xml:"flow"`
	} `xml:"body>doc>page"`
}

func parse(out []byte) ([]Page, error) {
	dec := xml.NewDecoder(bytes.NewReader(out))
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	var d xmlDoc
	if err := dec.Decode(&d); err != nil {
		return nil, err
	}
	pages := make([]Page, len(d.Pages))
	for i, p := range d.Pages {
		page := Page{Number: i + 1, Width: p.Width * ptMM, Height: p.Height * ptMM}
		for _, f := range p.Flows {
			for _, b := range f.Blocks {
				for _, l := range b.Lines {
					line := Line{Box: l.mm()}
					texts := make([]string, 0, len(l.Words))
					for _, w := range l.Words {
						text := norm.NFC.String(w.Text)
						line.Words = append(line.Words, Word{Box: w.mm(), Text: text})
						texts = append(texts, text)
					}
					line.Text = strings.Join(texts, " ")
					page.Lines = append(page.Lines, line)
				}
			}
		}
		pages[i] = page
	}
	return pages, nil
}
