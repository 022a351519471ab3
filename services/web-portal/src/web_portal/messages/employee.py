"""English of the employee's pages."""

EN = {
    "Yang perlu dikerjakan": "What needs doing",
    "SKP dan Realisasi": "SKP and Realisasi",
    "Umpan balik 360°": "360° feedback",
    "Rencana pengembangan": "Development plan",
    "Keberatan": "Keberatan (objection)",
    "Bagian ini tidak dapat dimuat sekarang. Coba lagi nanti.": "This part cannot be loaded now. Try again later.",
    "Tidak ada yang perlu dikerjakan.": "Nothing to do.",
    "Segera": "Urgent",
    "Susun SKP tahun {year}": "Draft your SKP for {year}",
    "Lengkapi dan ajukan SKP tahun {year}": "Complete and submit your SKP for {year}",
    "Perbaiki SKP tahun {year} yang dikembalikan: {notes}": "Revise your SKP for {year}, returned with notes: {notes}",
    "SKP tahun {year} menunggu persetujuan pejabat penilai": "Your SKP for {year} awaits your appraiser's approval",
    "Catat Realisasi {checkpoint}: {missing} IKI belum diisi": "Record Realisasi for {checkpoint}: {missing} IKI not filled in",
    "Isi penilaian diri (umpan balik 360°)": "Fill in your self-assessment (360° feedback)",
    "Isi umpan balik 360° untuk rekan kerja {nip}": "Give 360° feedback on colleague {nip}",
    "{title} ({jp} JP), tenggat {due}": "{title} ({jp} JP), due {due}",
    "Masa Keberatan atas Predikat Anda terbuka sampai {closes} (sisa {days} hari)":
        "You may file a Keberatan against your Predikat until {closes} ({days} days left)",
}
