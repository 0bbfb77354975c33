// Package document makes the documents of the honours service from plain
// values: the conferring decision with its annex (RenderDecision, A4 PDF),
// the award certificate (RenderCertificate, landscape A4 PDF) and the export
// of the register (ExportHonours and WriteHonours, XLSX).
//
// The PDFs follow the layout of administrative documents of Decree
// 30/2020/NĐ-CP (margins, the national name and motto, "ngày 05 tháng 02
// năm 2024" dates) and embed subsets of Liberation Serif, a face
// metric-compatible with Times New Roman that covers Vietnamese, with a
// ToUnicode map so that the text can be searched and extracted. All text is
// normalised to NFC before it is measured or drawn. Output is reproducible:
// the same input gives the same bytes (the PDF dates are the document's
// date). The package does no I/O beyond the writer it is given, except that
// excelize's stream writer keeps a sheet of more than 16 MiB of XML in a
// temporary file while it is written.
package document
