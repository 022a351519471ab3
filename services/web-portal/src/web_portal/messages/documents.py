"""English of the official documents' download links (the documents themselves are Indonesian)."""

EN = {
    "Unduh formulir SKP (PDF)": "Download the SKP form (PDF)",
    "Unduh Dokumen Evaluasi Kinerja (PDF)": "Download the Dokumen Evaluasi Kinerja (performance evaluation, PDF)",
}
