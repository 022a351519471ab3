"""English of the recognition (penghargaan) pages: the employee's, and the candidates with the
forms HR and appraisers record a recognition with."""

EN = {
    "Penghargaan": "Recognition",
    "Penilaian warga": "Citizens' ratings",
    "Apresiasi pimpinan": "Leader's recognition",
    # the employee
    "Penghargaan yang Anda terima": "Recognitions you received",
    "Dicatat oleh {nip}": "Recorded by {nip}",
    "Belum ada penghargaan yang tercatat untuk Anda.": "No recognition has been recorded for you yet.",
    # candidates and the forms
    "Calon penerima: penilaian warga": "Candidates: citizens' ratings",
    "Petugas yang dinilai warga dengan mutu {band} dari sedikitnya {min} jawaban survei pada {window}.": (
        "Officers citizens rated with mutu {band} in at least {min} survey answers in {window}."
    ),
    "periode ini": "this period",
    "Indeks": "Index",
    "Sudah diberi penghargaan": "Already recognised",
    "Alasan untuk {name}": "Reason for {name}",
    "Beri penghargaan": "Recognise",
    "Belum ada petugas yang memenuhi syarat pada checkpoint ini.": "No officer qualifies in this checkpoint yet.",
    "Catat penghargaan atas kinerja pegawai yang Anda nilai. Satu penghargaan per pegawai untuk setiap checkpoint.": (
        "Record a recognition of the work of an employee you appraise. One recognition per employee for each"
        " checkpoint."
    ),
    "NIP pegawai": "Employee's NIP",
    "Catat penghargaan": "Record the recognition",
    "Isi NIP 18 angka.": "Enter an 18-digit NIP.",
    "Pilih jenis penghargaan.": "Choose the kind of recognition.",
    "Tuliskan alasan penghargaan.": "Write why the employee is recognised.",
    "Alasan paling banyak 1000 karakter.": "The reason may be at most 1,000 characters.",
    "Penghargaan dicatat.": "Recognition recorded.",
}
