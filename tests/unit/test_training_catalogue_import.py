"""Reading HR's catalogue CSV: good rows kept, bad rows reported by line."""

import pytest
from kinerja_contracts.vocabulary import DevelopmentForm
from training_service.domain import CatalogueCsvError, is_known_competency, read_catalogue_csv

HEADER = "code,title,competency,form,method,jp,provider,modality\n"


def test_good_and_bad_rows_are_reported_by_line():
    text = HEADER + (
        "TIK-01,Pelatihan Keamanan Siber,teknis:keamanan_siber,klasikal,pelatihan,24,BSSN,tatap muka\n"
        "\n"
        "PEL-X1,Coaching Layanan,Berorientasi Pelayanan,,coaching,4,Atasan,di tempat kerja\n"
        "BAD-1,Memasak,memasak,klasikal,pelatihan,8,X,Y\n"
        "BAD-2,Salah Bentuk,akuntabel,klasikal,coaching,abc,X,Y\n"
        "TIK-01,Duplikat,teknis:keamanan_siber,klasikal,pelatihan,8,X,Y\n"
        "SHORT,only three\n"
    )
    good, bad = read_catalogue_csv(text)
    assert [(r.line, r.item.code) for r in good] == [(2, "TIK-01"), (4, "PEL-X1")]
    assert good[1].item.competency == "berorientasi_pelayanan"
    assert good[1].item.form is DevelopmentForm.NONKLASIKAL, "the form follows from the method"
    assert [(e.line, e.code) for e in bad] == [(5, "BAD-1"), (6, "BAD-2"), (7, "TIK-01"), (8, None)]
    assert "unknown competency" in bad[0].message
    assert "not a klasikal method" in bad[1].message and "whole number" in bad[1].message
    assert "already on line 2" in bad[2].message


def test_header_must_name_the_columns():
    with pytest.raises(CatalogueCsvError, match="missing: jp"):
        read_catalogue_csv("code,title,competency,form,method,provider,modality\n")
    with pytest.raises(CatalogueCsvError, match="unknown: budget"):
        read_catalogue_csv(HEADER.strip() + ",budget\n")


def test_technical_areas_are_competencies():
    assert is_known_competency("teknis:tik_layanan_digital")
    assert not is_known_competency("teknis:")
    assert not is_known_competency("teknis:Bad Area")


def test_a_nul_character_makes_a_bad_row_naming_the_column():
    text = (
        "code,title,competency,form,method,jp,provider,modality\n"
        "NUL-1,Pelatihan\x00Rahasia,akuntabel,,pelatihan,8,BPSDM,tatap muka\n"
        "OK-1,Pelatihan Biasa,akuntabel,,pelatihan,8,BPSDM,tatap muka\n"
    )
    good, bad = read_catalogue_csv(text)
    assert [r.item.code for r in good] == ["OK-1"]
    assert [(e.line, e.code) for e in bad] == [(2, "NUL-1")]
    assert "title must not contain the NUL character" in bad[0].message
