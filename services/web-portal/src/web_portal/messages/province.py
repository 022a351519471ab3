"""English of the admin provinsi (province admin) pages and its entry on the dev sign-in page."""

EN = {
    # the role, navigation and home
    "Admin provinsi": "Province admin",
    "Membaca laporan seluruh instansi di provinsi; tidak ada dalam daftar pegawai instansi mana pun.": "Reads the reports of every agency in the province; on no agency's employee roster.",
    "Kemajuan SKP": "SKP progress",
    "IKM layanan publik": "Public-service IKM",
    "Pengembangan dan 20 JP": "Development and 20 JP",
    "Talent pool": "Talent pool",
    "Laporan seluruh instansi di provinsi, per tahun periode kinerja.": "Reports of every agency in the province, per performance year.",
    "Laporan provinsi": "Province reports",
    "Per tanggal": "As of",
    "Kosongkan: hari ini.": "Leave empty: today.",
    "Seluruh provinsi": "Whole province",
    "Belum ada instansi.": "No agencies yet.",
    "Belum ada instansi dengan periode tahun ini.": "No agency has a period this year yet.",
    "tanpa periode": "no period",
    # predikat distribution
    "Sebaran Predikat per instansi {year}": "Predikat distribution per agency, {year}",
    "Predikat akhir tahunan (final) tiap instansi terhadap kurva Predikat organisasinya (SE MenPANRB 3/2023). "
    "Predikat organisasi dicatat oleh pengelola kinerja instansi.": "Each agency's final annual predikat against the curve of its organisation predikat (SE MenPANRB "
    "3/2023). The organisation predikat is recorded by the agency's performance manager.",
    "{count} instansi melanggar kurvanya; {unknown} belum mencatat Predikat organisasi.": "{count} agencies break their curve; {unknown} have not recorded their organisation predikat.",
    "Predikat akhir per instansi": "Final predikat per agency",
    "Predikat organisasi": "Organisation predikat",
    "Masih usulan": "Still proposed",
    "Kurva": "Curve",
    "Belum dicatat": "Not recorded",
    "Belum ada hasil penilaian final.": "No final appraisal results yet.",
    "Predikat organisasi belum dicatat: kurva tidak dapat diperiksa.": "No organisation predikat recorded: the curve cannot be checked.",
    "Sebaran Predikat {agency} {year} terhadap kurva Predikat organisasi {predikat}": "Predikat distribution of {agency} {year} against the curve of organisation predikat {predikat}",
    "Sebaran Predikat {agency} {year}": "Predikat distribution of {agency} {year}",
    # SKP progress
    "Kemajuan SKP per instansi {year}": "SKP progress per agency, {year}",
    "Keadaan pada akhir hari {day}: SKP yang sudah disusun, pernah diajukan dan disetujui, terhadap pegawai "
    "dalam daftar tiap instansi.": "As of the end of {day}: SKPs drafted, ever submitted and approved, against each agency's roster.",
    "Disusun": "Drafted",
    "Belum menyusun": "No SKP yet",
    "Disetujui (%)": "Approved (%)",
    # objections
    "Keberatan per instansi {year}": "Objections per agency, {year}",
    "Keberatan atas hasil penilaian periode tahun ini dan keputusan atasan pejabat penilai: hasil dipertahankan "
    "(keberatan ditolak) atau diubah.": "Objections to this year's appraisal results and the appraiser's superior's decisions: the result "
    "upheld (the objection rejected) or changed.",
    "Belum diputus": "Not decided yet",
    "Diputus": "Decided",
    "Hasil dipertahankan": "Result upheld",
    "Hasil diubah": "Result changed",
    # satisfaction
    "IKM unit layanan publik {year}": "IKM of the public-service units, {year}",
    "Indeks Kepuasan Masyarakat (IKM) dan mutu tiap unit layanan publik seluruh instansi (PermenPANRB 14/2017).": "The community satisfaction index (IKM) and quality grade of every agency's public-service units "
    "(PermenPANRB 14/2017).",
    "Belum ada unit layanan publik.": "No public-service units yet.",
    "belum ada jawaban": "no answers yet",
    # development
    "Pengembangan kompetensi per instansi {year}": "Competency development per agency, {year}",
    "Rencana pengembangan tahun ini menurut statusnya, dan pegawai yang sudah memenuhi 20 JP terverifikasi.": "This year's development plans by status, and the employees who have 20 verified JP.",
    "Rencana aktif": "Active plans",
    "Rencana selesai": "Completed plans",
    "Rencana diganti": "Superseded plans",
    "Memenuhi 20 JP": "Reached 20 JP",
    "Belum memenuhi": "Not yet",
    "Memenuhi (%)": "Reached (%)",
    "{count} rencana berjalan atau selesai": "{count} plans active or completed",
    # talent pool
    "Talent pool seluruh instansi {year}": "Talent pool of every agency, {year}",
    "Pegawai dengan Predikat Sangat Baik dua tahun berturut-turut (tahun ini dan tahun sebelumnya). Setiap "
    "pembacaan tercatat di log akses pegawai.": "Employees with Predikat Sangat Baik two years in a row (this year and the year before). Each read "
    "is recorded in the employee's access log.",
    "Belum ada pegawai dalam talent pool tahun ini.": "Nobody is in this year's talent pool yet.",
    "tidak lagi dalam daftar pegawai": "no longer on the roster",
}
