"""Which of the browser tests' screenshots illustrate the README (README.md, "Web portal").

``make screenshots`` runs the portal's browser tests with KINERJA_SCREENSHOTS_DIR=docs/screenshots;
``check_page(page, name)`` then also copies the screenshot of each name below to that folder under
the file name given. Add a page here (one line) when it deserves a place in the README.
"""

README_SCREENSHOTS = {
    # check_page name      -> docs/screenshots/<file>
    "masuk": "sign-in.png",
    "pegawai-beranda": "employee-home.png",
    "penilai-beranda": "appraiser-home.png",
    "survei": "citizen-survey.png",
    "survei-terima-kasih": "citizen-thank-you.png",
    "ikm": "ikm.png",
    "pegawai-skp-galat": "skp-editor.png",
    "penilai-tim": "team-skps.png",
    "tahun-kepala-usulan": "proposal-confirm.png",
    "tahun-pengelola-kalibrasi": "calibration.png",
    "pengelola-pegawai-impor": "roster-import-errors.png",
    "pegawai-pengembangan-klaim": "jp-gauge.png",
    "pengelola-poster": "qr-poster.png",
    "tahun-atasan-keberatan": "objection-decide.png",
}
