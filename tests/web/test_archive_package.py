"""The Noark 5 arkivuttrekk (issue 9): real logs, real WeasyPrint, the official schemas.

The closed demo log is exported once per module and checked the way an
archive checks a deposit: every XML file against its XSD, the structural
checks (references, unreferenced files, counts, booleans, checksums), the
PDF/A files with pikepdf and pdftotext. Negative controls break a copy of
the package in the ways the notes list and expect each to be caught.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import tarfile
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from uuid import UUID

import pikepdf
import pytest
from click.testing import CliRunner
from flask import Flask
from lxml import etree

from app.archive.export import BUNDLE, MANIFEST, archived_log, export_log
from app.archive.noark5 import STANDARD
from app.archive.noark5.checks import NS, check_package
from app.archive.noark5.package import PACKAGE, PackageInvalid, write_package
from app.archive.noark5.structure import Conversion
from app.cli import main
from app.config import ArchiveSettings
from app.demo.people import demo_pdf
from app.documents.fields import ClosingReason, LogStatus
from app.documents.meetings import AgendaOutcome, Meeting, MinutesAmendment
from app.documents.people import Consent, Guardian
from app.documents.records import ArchiveDelivery, Attachment
from app.documents.work import Evaluation, Goal
from app.instance import Instance
from app.logs.ids import new_document_id
from tests.conftest import TODAY, create_log, end_directly, fnr, guardian_consent, holder
from tests.web.conftest import csrf_token, demo_log_ids, logged_in

# SHA-256 of the official files (../shared/noark5/xsd/README.md, template/README.md).
OFFICIAL = {
    "addml.xsd": "ae2c4c9be0c1f4f291be36db3dfc069085f35eb515b072d3b1230ac89647d5dd",
    "arkivstruktur.xsd": "77acc0f549f4f3856f56429cb30e6b626ddb05d8b8a3d6cae00cb5911b60f58c",
    "metadatakatalog.xsd": "c7c0a7e7996f60b4c28eacd0e34e6af0d6ca2cfb76f58080221e163fb972a305",
    "endringslogg.xsd": "07cbc86e8b3c4b42ed831cdd5c09aa402a2c4049bbca2d287e184f3138edf1de",
    "arkivuttrekk_v5_0_mal.xml": "fd89f9b4100b39efd594c8907198c2d81802f69521118c1f2913ecfa33bc0424",
}


@pytest.fixture(scope="module")
def exported(demo_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The closed demo log (Liam) exported once: the folder holding the package."""
    from app import create_app

    app = create_app(demo_env)
    instance = app.extensions["stafettlogg"]
    liam = demo_log_ids(app)["Liam"]
    report = export_log(instance, liam, tmp_path_factory.mktemp("export"), by="Anne Vik")
    assert report.package is not None
    return report.folder


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def _tree(path: Path) -> etree._ElementTree:
    return etree.parse(str(path))


def _pdfs(package: Path) -> list[Path]:
    return sorted((package / "DOKUMENT").rglob("*.pdf"))


def test_the_schemas_shipped_are_the_official_ones_byte_for_byte() -> None:
    for name, digest in OFFICIAL.items():
        assert hashlib.sha256((STANDARD / name).read_bytes()).hexdigest() == digest, name
    assert b"\r\n" in (STANDARD / "arkivstruktur.xsd").read_bytes()  # CRLF kept, as published


def test_the_demo_package_validates_and_passes_the_structural_checks(exported: Path) -> None:
    package = exported / PACKAGE
    assert check_package(package) == []
    names = {p.name for p in package.iterdir()}
    assert names == {
        "arkivuttrekk.xml",
        "addml.xsd",
        "arkivstruktur.xml",
        "arkivstruktur.xsd",
        "metadatakatalog.xsd",
        "endringslogg.xml",
        "endringslogg.xsd",
        "DOKUMENT",
    }
    root = _tree(package / "arkivstruktur.xml").getroot()
    folders = root.xpath("//n5:mappe", namespaces=NS)
    assert len(folders) == 1
    folder = folders[0]
    xsi = "{http://www.w3.org/2001/XMLSchema-instance}type"
    assert folder.get(xsi) == "saksmappe"
    # The child is the party, with the fødselsnummer where the standard puts it (partID).
    parts = folder.xpath("n5:part", namespaces=NS)
    subject = parts[0]
    assert subject.findtext(f"{{{NS['n5']}}}partNavn") == "Liam Johansen"
    assert re.fullmatch(r"\d{11}", subject.findtext(f"{{{NS['n5']}}}partID") or "")
    assert folder.findtext(f"{{{NS['n5']}}}saksansvarlig") == "Hilde Solberg"
    assert folder.findtext(f"{{{NS['n5']}}}saksstatus") == "Avsluttet"
    assert "Liam" not in (folder.findtext(f"{{{NS['n5']}}}offentligTittel") or "")
    public = folder.findtext(f"{{{NS['n5']}}}offentligTittel")
    assert public == "Stafettlogg (BTI) for ****** ******"
    # Every folder and record is shielded, with the legal basis from configuration.
    records = folder.xpath("n5:registrering", namespaces=NS)
    assert all(r.get(xsi) == "arkivnotat" for r in records)
    descriptions = root.xpath("//n5:dokumentbeskrivelse", namespaces=NS)
    assert len(root.xpath("//n5:skjerming", namespaces=NS)) == len(records) + 1 + len(descriptions)
    basis = root.xpath("//n5:skjermingshjemmel/text()", namespaces=NS)
    assert set(basis) == {ArchiveSettings().restriction_basis}
    titles = [r.findtext(f"{{{NS['n5']}}}tittel") for r in records]
    assert "Stafettlogg for Liam Johansen ved avslutning" in titles
    assert "Møtereferat: Avslutningsmøte" in titles
    assert any(t.startswith("Samtykke fra foresatt") for t in titles)
    assert any(t.startswith("Dokument: ") for t in titles)
    # Each document object: PDF/A with its conversion recorded.
    objects = root.xpath("//n5:dokumentobjekt", namespaces=NS)
    assert len(objects) == len(_pdfs(package)) >= len(records)
    for obj in objects:
        assert obj.findtext(f"{{{NS['n5']}}}format") == "PDF"
        assert obj.findtext(f"{{{NS['n5']}}}sjekksumAlgoritme") == "SHA256"
        assert obj.find(f"{{{NS['n5']}}}konvertering") is not None
    # No personal data in any path.
    assert all(
        re.fullmatch(r"\d{4}/[0-9a-f-]{36}\.pdf", p.relative_to(package / "DOKUMENT").as_posix())
        for p in _pdfs(package)
    )
    # The change log names the closing; every reference resolves (checked above too).
    changes = _tree(package / "endringslogg.xml").getroot()
    assert "Avsluttet" in changes.xpath("//e:nyVerdi/text()", namespaces=NS)


def test_arkivuttrekk_keeps_the_template_order_and_states_the_package(exported: Path) -> None:
    package = exported / PACKAGE
    filled = _tree(package / "arkivuttrekk.xml").getroot()
    template = _tree(STANDARD / "arkivuttrekk_v5_0_mal.xml").getroot()

    def names(root: etree._Element) -> list[str]:
        return [e.get("name") for e in root.iter() if isinstance(e.tag, str) and e.get("name")]

    # The template's order, less the journals this package does not have.
    for journal in ("loependeJournal", "offentligJournal"):
        for data_object in template.xpath(f"//a:dataObject[@name='{journal}']", namespaces=NS):
            data_object.getparent().remove(data_object)
    assert names(filled) == names(template)
    placeholders = [
        v
        for v in filled.xpath("//a:value/text()", namespaces=NS)
        if v.startswith(("Oppgi sjekksum", "Oppgi antall")) or v in ("true/false", "mykt/skarpt")
    ]
    assert placeholders == []
    values = filled.xpath(
        "//a:property[@name='inneholderSkjermetInformasjon']/a:value/text()", namespaces=NS
    )
    assert values == ["true"]


def test_negative_controls_are_caught(exported: Path, tmp_path: Path) -> None:
    def broken(change: object) -> list[str]:
        copy = tmp_path / f"copy{len(list(tmp_path.iterdir()))}"
        shutil.copytree(exported / PACKAGE, copy)
        change(copy)  # type: ignore[operator]
        return check_package(copy)

    def wrong_checksum(copy: Path) -> None:
        path = copy / "arkivstruktur.xml"
        text = path.read_text(encoding="utf-8")
        first = re.search(r"<sjekksum>([0-9a-f]{64})</sjekksum>", text)
        assert first is not None
        path.write_text(text.replace(first.group(1), "0" * 64, 1), encoding="utf-8")

    def missing_file(copy: Path) -> None:
        _pdfs(copy)[0].unlink()

    def unreferenced_file(copy: Path) -> None:
        shutil.copyfile(_pdfs(copy)[0], copy / "DOKUMENT" / "extra.pdf")

    def out_of_order(copy: Path) -> None:
        path = copy / "arkivstruktur.xml"
        tree = _tree(path)
        record = tree.getroot().xpath("//n5:registrering", namespaces=NS)[0]
        title = record.find(f"{{{NS['n5']}}}tittel")
        record.remove(title)
        record.insert(1, title)  # tittel before opprettetDato: out of schema order
        tree.write(str(path), xml_declaration=True, encoding="utf-8")

    def edited_schema(copy: Path) -> None:
        path = copy / "arkivstruktur.xsd"
        path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n"))

    def wrong_count(copy: Path) -> None:
        path = copy / "arkivuttrekk.xml"
        tree = _tree(path)
        value = tree.getroot().xpath(
            "//a:property[@name='antallDokumentfiler']/a:value", namespaces=NS
        )[0]
        value.text = str(int(value.text) + 1)
        tree.write(str(path), xml_declaration=True, encoding="utf-8")

    def flag_disagrees(copy: Path) -> None:
        path = copy / "arkivuttrekk.xml"
        path.write_text(
            path.read_text(encoding="utf-8").replace(
                '<property dataType="boolean" name="inneholderSkjermetInformasjon">\n'
                "                    <value>true</value>",
                '<property dataType="boolean" name="inneholderSkjermetInformasjon">\n'
                "                    <value>false</value>",
            ),
            encoding="utf-8",
        )

    def duplicate_system_id(copy: Path) -> None:
        path = copy / "arkivstruktur.xml"
        tree = _tree(path)
        ids = tree.getroot().xpath("//n5:registrering/n5:systemID", namespaces=NS)
        ids[1].text = ids[0].text
        tree.write(str(path), xml_declaration=True, encoding="utf-8")

    def dangling_change(copy: Path) -> None:
        path = copy / "endringslogg.xml"
        tree = _tree(path)
        tree.getroot().xpath("//e:referanseArkivenhet", namespaces=NS)[0].text = str(UUID(int=7))
        tree.write(str(path), xml_declaration=True, encoding="utf-8")

    def empty_element(copy: Path) -> None:
        path = copy / "arkivstruktur.xml"
        tree = _tree(path)
        tree.getroot().xpath("//n5:registrering/n5:tittel", namespaces=NS)[0].text = ""
        tree.write(str(path), xml_declaration=True, encoding="utf-8")

    def wrong_size(copy: Path) -> None:
        path = copy / "arkivstruktur.xml"
        tree = _tree(path)
        size = tree.getroot().xpath("//n5:filstoerrelse", namespaces=NS)[0]
        size.text = str(int(size.text) + 1)
        tree.write(str(path), xml_declaration=True, encoding="utf-8")

    def wrong_registrations(copy: Path) -> None:
        path = copy / "arkivuttrekk.xml"
        tree = _tree(path)
        (occurrence,) = tree.getroot().xpath(
            "//a:property[@name='numberOfOccurrences'][a:value='registrering']", namespaces=NS
        )
        value = occurrence.xpath("a:properties/a:property[@name='value']/a:value", namespaces=NS)[0]
        value.text = str(int(value.text) + 1)
        tree.write(str(path), xml_declaration=True, encoding="utf-8")

    expected = {
        duplicate_system_id: "systemID used more than once",
        dangling_change: "endringslogg.xml refers to",
        empty_element: "arkivstruktur.xml line",
        wrong_size: "filstoerrelse does not match",
        wrong_registrations: "registrering, the package has",
        wrong_checksum: "sjekksum does not match",
        missing_file: "is referenced but missing",
        unreferenced_file: "no document object references it",
        out_of_order: "arkivstruktur.xml line",
        edited_schema: "not the official schema",
        wrong_count: "document files",
        flag_disagrees: "inneholderSkjermetInformasjon",
    }
    for change, message in expected.items():
        problems = broken(change)
        assert any(message in p for p in problems), (change.__name__, problems)


def test_two_exports_agree_apart_from_the_export_dates(
    exported: Path, demo_env: dict[str, str], tmp_path: Path
) -> None:
    from app import create_app

    app = create_app(demo_env)
    instance = app.extensions["stafettlogg"]
    later = datetime.now(UTC) + timedelta(days=3)
    again = export_log(
        instance, demo_log_ids(app)["Liam"], tmp_path, by="Bjørn Strand", force=True, now=later
    )

    def without_dates(path: Path) -> str:
        text = path.read_text(encoding="utf-8")
        return re.sub(r"<konvertertDato>[^<]+</konvertertDato>", "", text)

    first = exported / PACKAGE / "arkivstruktur.xml"
    second = again.folder / PACKAGE / "arkivstruktur.xml"
    assert first.read_bytes() != second.read_bytes()  # the conversion date differs …
    assert without_dates(first) == without_dates(second)  # … and nothing else
    ids = _tree(first).getroot().xpath("//n5:systemID/text()", namespaces=NS)
    assert len(ids) == len(set(ids)) > 5


def test_every_document_is_pdfa_2b_with_embedded_fonts_and_its_text(exported: Path) -> None:
    package = exported / PACKAGE
    texts = []
    for path in _pdfs(package):
        with pikepdf.open(path) as pdf:
            assert not pdf.is_encrypted
            meta = pdf.open_metadata()
            assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
            assert meta["dc:title"] and meta["xmp:CreateDate"]
            assert meta["dc:language"] == {"nb"}
            assert str(pdf.Root.Lang) == "nb"
            assert len(pdf.Root.OutputIntents) == 1
            assert "/JavaScript" not in pdf.Root.get("/Names", {})
            assert "/OpenAction" not in pdf.Root and "/AA" not in pdf.Root
            for page in pdf.pages:
                for font in page.Resources.get("/Font", {}).values():
                    descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                    descriptor = descendant.FontDescriptor
                    assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        texts.append(
            subprocess.run(
                ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
            ).stdout
        )
    joined = "\n".join(texts)
    assert "Stafettlogg for Liam Johansen" in joined
    assert "Hvem har sett loggen" in joined  # the access-log summary in the printout
    assert "Møtereferat: Avslutningsmøte" in joined
    assert "Samtykke fra foresatt" in joined
    # The rendered history: every change, who made it, the lines it changed.
    assert "Logghistorikk for stafettloggen til Liam Johansen" in joined
    assert "Opprettet loggen" in joined and "Hilde Solberg (" in joined
    assert "+ status: closed" in joined


def test_hostile_strings_in_every_field_still_make_a_valid_package(
    instance: Instance, blns: list[str], tmp_path: Path
) -> None:
    hostile = "Ω\u202e<script>alert(1)</script>\x00\x07 &amp; ]]> \ufeff"
    snap = create_log(
        instance,
        given_name=hostile,
        holder_doc=holder().revised(name=hostile, job_title=hostile, email=hostile),
    )
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    goals = [
        Goal(id=new_document_id(), title=text or "tom", arena="home_leisure", body=text)
        for text in blns[:300]
    ]
    meeting = Meeting(
        id=new_document_id(),
        place=hostile,
        title=hostile,
        starts_at=now,
        status="held",
        approved_at=now,
        approved_by="s-holder01",
        body="\n\n".join(blns[300:]),
        outcomes=[AgendaOutcome(item=t or "x", agreed=t) for t in blns[:40] if t.strip()],
    )
    evaluation = Evaluation(
        id=new_document_id(),
        target_kind="goal",
        target=goals[0].id,
        written_on=TODAY,
        worked="\n".join(blns[:100]),
        did_not_work="\n".join(blns[100:200]),
        why=hostile,
        decision="continue",
    )
    amendment = MinutesAmendment(
        id=new_document_id(),
        meeting=meeting.id,
        written_by="s-holder01",
        written_at=now,
        body="\n".join(blns[200:300]),
    )
    odd_guardian = Guardian(
        id=new_document_id(),
        name=hostile,
        fnr=fnr(7, 8, 1980, 500),
        registered_by="s-holder01",
        registered_on=TODAY,
    )
    # A signed paper consent from a hostile name, with its scan, and a hostile uploaded file.
    scan = demo_pdf(hostile)
    attachment = Attachment(
        id=new_document_id(),
        title=hostile,
        filename=f"{hostile}.pdf",
        media_type="application/pdf",
        size_bytes=len(scan),
        sha256=hashlib.sha256(scan).hexdigest(),
        uploaded_by="s-holder01",
        uploaded_at=now,
    )
    revision = instance.logs.attach(
        snap.log_id, attachment, scan, expected_revision=snap.revision, actor_id="s-holder01"
    )
    paper = guardian_consent(hostile, fnr(3, 4, 1985, 200)).revised(
        method="paper", paper_scan=attachment.id, single_guardian_note=hostile
    )
    snap = replace(snap, revision=revision)
    revision = instance.logs.save(
        snap.log_id,
        [*goals, meeting, evaluation, paper, amendment, odd_guardian],
        expected_revision=snap.revision,
        actor_id="s-holder01",
    )
    end_directly(instance, snap.log_id, at=now, note=hostile)
    report = export_log(instance, snap.log_id, tmp_path, by=hostile, workers=2)
    assert report.package is not None
    package = report.folder / PACKAGE
    assert check_package(package) == []
    structure = (package / "arkivstruktur.xml").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in structure and "<script>" not in structure
    assert "<tittel>Signert samtykke (skann)</tittel>" in structure  # the scan, converted
    assert "\ufffd" in structure  # the control characters are shown as replaced, not dropped
    for path in _pdfs(package):
        with pikepdf.open(path) as pdf:
            assert pdf.open_metadata()["pdfaid:part"] == "2"


def test_an_invalid_package_is_never_offered(instance: Instance, tmp_path: Path) -> None:
    snap = create_log(instance)
    end_directly(instance, snap.log_id, at=_noon(TODAY), reason=ClosingReason.MOVED_AWAY)
    log, created_by = archived_log(instance, snap.log_id)
    # A format that is not the file's: the package fails its own checks (Arkade N5.29).
    settings = ArchiveSettings(creator_name="Testkommune", document_format="DOCX")
    destination = tmp_path / "out" / PACKAGE
    with pytest.raises(PackageInvalid) as caught:
        write_package(
            [log],
            destination,
            settings,
            Conversion(datetime.now(UTC), "x", "y"),
            {snap.log_id: created_by},
        )
    assert any("format DOCX" in p for p in caught.value.problems)
    assert list((tmp_path / "out").iterdir()) == []  # nothing half-written left behind


def test_the_archivist_downloads_the_package_as_a_tar(fresh_app: Flask) -> None:
    app = fresh_app
    instance = app.extensions["stafettlogg"]
    ids = demo_log_ids(app)
    liam, nora = ids["Liam"], ids["Nora"]
    anne = logged_in(app, "staff:anne")
    page = anne.get("/arkiv/").data.decode()
    assert f"/arkiv/{liam}/uttrekk" in page
    token = csrf_token(anne, "/arkiv/")
    before = len(instance.access_log.entries(liam))
    response = anne.post(f"/arkiv/{liam}/uttrekk", data={"csrf_token": token})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(f"logg-{liam}-arkivuttrekk.tar")
    data = response.get_data()
    response.close()
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        members = archive.getnames()
    assert f"logg-{liam}/{PACKAGE}/arkivuttrekk.xml" in members
    assert f"logg-{liam}/{BUNDLE}" in members and f"logg-{liam}/{MANIFEST}" in members
    entries = instance.access_log.entries(liam)[before:]
    assert [(e.action, e.section) for e in entries] == [("export", "history")]
    # Not the archivist, or not an ended log: nothing there.
    hilde = logged_in(app, "staff:hilde")
    assert (
        hilde.post(f"/arkiv/{liam}/uttrekk", data={"csrf_token": csrf_token(hilde)}).status_code
        == 404
    )
    assert anne.post(f"/arkiv/{nora}/uttrekk", data={"csrf_token": token}).status_code == 404
    assert anne.post(f"/arkiv/{liam}/uttrekk", data={}).status_code == 400  # no CSRF token


def test_the_command_line_exports_a_batch_and_skips_what_is_unchanged(
    demo_env: dict[str, str], tmp_path: Path
) -> None:
    runner = CliRunner()
    target = tmp_path / "batch"
    first = runner.invoke(
        main, ["export", "--closed-since", "2020-01-01", "--to", str(target)], env=demo_env
    )
    assert first.exit_code == 0, first.output
    assert "exported 1 log(s)" in first.output
    (folder,) = target.iterdir()
    assert (folder / PACKAGE / "arkivuttrekk.xml").is_file()
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert check_package(folder / PACKAGE) == []
    from app import create_app

    app = create_app(demo_env)
    liam = demo_log_ids(app)["Liam"]
    last = app.extensions["stafettlogg"].access_log.entries(liam)[-1]
    assert (last.action, last.section, last.basis) == ("export", "history", "operator:cli")
    again = runner.invoke(
        main, ["export", "--closed-since", "2020-01-01", "--to", str(target)], env=demo_env
    )
    assert "skipped 1 unchanged" in again.output
    assert not [p for p in target.iterdir() if p.name.startswith(".partial")]
    usage = runner.invoke(main, ["export", "--to", str(target)], env=demo_env)
    assert usage.exit_code != 0 and "either LOG_ID or --closed-since" in usage.output


def test_an_active_log_is_not_exported_from_the_command_line(
    demo_env: dict[str, str], tmp_path: Path
) -> None:
    from app import create_app

    nora = demo_log_ids(create_app(demo_env))["Nora"]
    result = CliRunner().invoke(main, ["export", nora, "--to", str(tmp_path)], env=demo_env)
    assert result.exit_code == 1
    assert "not ended" in result.output
    assert list(tmp_path.iterdir()) == []


def test_rendering_pdfs_leaves_the_upload_checks_strict() -> None:
    # WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES when imported; the upload checks
    # need it off to refuse truncated images (tests/media), whatever was imported first.
    from PIL import ImageFile

    import app.archive.pdfa  # noqa: F401

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_the_printout_for_the_journal_and_the_family(app: Flask) -> None:
    instance = app.extensions["stafettlogg"]
    ids = demo_log_ids(app)
    liam, nora = ids["Liam"], ids["Nora"]
    for who in ("staff:hilde", "citizen:emma"):  # the holder at closure, and the guardian
        client = logged_in(app, who)
        assert f"/logg/{liam}/utskrift" in client.get(f"/logg/{liam}/").data.decode()
        before = len(instance.access_log.entries(liam))
        response = client.get(f"/logg/{liam}/utskrift")
        assert response.status_code == 200, who
        assert response.mimetype == "application/pdf"
        assert "attachment" in response.headers["Content-Disposition"]
        assert "Liam" not in response.headers["Content-Disposition"]
        with pikepdf.open(io.BytesIO(response.data)) as pdf:
            meta = pdf.open_metadata()
            assert meta["pdfaid:part"] == "2" and meta["dc:language"] == {"nb"}
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True
        ).stdout.decode()
        assert "Stafettlogg for Liam Johansen" in text and "Hvem har sett loggen" in text
        if who.startswith("citizen"):  # the family may read the access log: the summary
            assert "Første–siste gang" in text
        else:  # staff may not: a pointer to it instead
            assert "Første–siste gang" not in text and "tilgangslogg" in text
        assert "Mål: Liam kler på seg selv i garderoben" in text
        entries = instance.access_log.entries(liam)[before:]
        assert [(e.action, e.section) for e in entries] == [("print", "overview")]
    # Not for an open log, nor for someone who is not the holder or the family.
    hilde = logged_in(app, "staff:hilde")
    assert hilde.get(f"/logg/{nora}/utskrift").status_code == 404
    for who in ("staff:anne", "staff:per", "citizen:kari"):
        assert logged_in(app, who).get(f"/logg/{liam}/utskrift").status_code == 404, who


def _tar_package(data: bytes, folder: Path) -> Path:
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(folder, filter="data")
    (package,) = folder.glob(f"*/{PACKAGE}")
    return package


def test_the_holder_files_approved_minutes_and_consents_while_the_log_is_open(
    fresh_app: Flask, tmp_path: Path
) -> None:
    app = fresh_app
    instance = app.extensions["stafettlogg"]
    nora = demo_log_ids(app)["Nora"]
    hilde = logged_in(app, "staff:hilde")  # Nora's holder
    snapshot = instance.logs.snapshot(nora)
    approved = [m for m in snapshot.of_kind(Meeting) if m.approved_at is not None]
    consents = snapshot.of_kind(Consent)
    expected = {m.system_id for m in approved} | {c.system_id for c in consents}
    assert approved and consents
    page = hilde.get(f"/logg/{nora}/").data.decode()
    assert f"({len(expected)} nye)" in page
    token = csrf_token(hilde, f"/logg/{nora}/")
    # Without the CSRF token nothing is filed.
    assert hilde.post(f"/logg/{nora}/arkivering", data={}).status_code == 400
    assert instance.logs.snapshot(nora).of_kind(ArchiveDelivery) == []

    first = hilde.post(f"/logg/{nora}/arkivering", data={"csrf_token": token})
    assert first.status_code == 200
    assert first.headers["Content-Disposition"].endswith(f"logg-{nora}-arkivleveranse.tar")
    package = _tar_package(first.get_data(), tmp_path / "first")
    first.close()
    assert check_package(package) == []
    root = _tree(package / "arkivstruktur.xml").getroot()
    records = root.xpath("//n5:registrering/n5:systemID/text()", namespaces=NS)
    assert {UUID(r) for r in records} == expected
    assert root.xpath("//n5:saksstatus/text()", namespaces=NS) == ["Under behandling"]
    (delivery,) = instance.logs.snapshot(nora).of_kind(ArchiveDelivery)
    assert set(delivery.registrations) == expected
    assert "(0 nye)" in hilde.get(f"/logg/{nora}/").data.decode()

    # Nothing new: nothing is made and nothing recorded.
    nothing = hilde.post(f"/logg/{nora}/arkivering", data={"csrf_token": token})
    assert nothing.status_code == 302
    assert len(instance.logs.snapshot(nora).of_kind(ArchiveDelivery)) == 1
    # The same delivery again: the same package, byte for byte.
    again = hilde.post(f"/logg/{nora}/arkivering/{delivery.id}", data={"csrf_token": token})
    assert again.status_code == 200
    repeat = _tar_package(again.get_data(), tmp_path / "again")
    again.close()
    assert (repeat / "arkivstruktur.xml").read_bytes() == (
        package / "arkivstruktur.xml"
    ).read_bytes()

    # Others may not file, nor fetch a delivery.
    for who in ("staff:ingrid", "citizen:kari"):
        other = logged_in(app, who)
        token_other = csrf_token(other)
        assert (
            other.post(f"/logg/{nora}/arkivering", data={"csrf_token": token_other}).status_code
            == 404
        ), who
        assert (
            other.post(
                f"/logg/{nora}/arkivering/{delivery.id}", data={"csrf_token": token_other}
            ).status_code
            == 404
        ), who

    # At closure the export marks what was filed instead of sending it twice.
    end_directly(instance, nora, at=datetime.now(UTC), actor="s-4f1c2a7e")  # Hilde, the holder
    report = export_log(instance, nora, tmp_path / "closed", by="Anne Vik")
    final = report.folder / PACKAGE
    assert check_package(final) == []
    closed_root = _tree(final / "arkivstruktur.xml").getroot()
    for record in closed_root.xpath("//n5:registrering", namespaces=NS):
        system_id = UUID(record.findtext(f"{{{NS['n5']}}}systemID"))
        if system_id in expected:
            assert "Levert til arkivet" in record.findtext(f"{{{NS['n5']}}}beskrivelse")
            assert record.find(f"{{{NS['n5']}}}dokumentbeskrivelse") is None
        else:
            assert record.find(f"{{{NS['n5']}}}dokumentbeskrivelse") is not None


def test_a_blocked_log_is_exported_with_its_blocking_said(
    instance: Instance, tmp_path: Path
) -> None:
    snap = create_log(instance)
    end_directly(
        instance,
        snap.log_id,
        at=_noon(TODAY),
        status=LogStatus.BLOCKED,
        reason=ClosingReason.DELETION_DEMANDED,
    )
    report = export_log(instance, snap.log_id, tmp_path, by="Arkivar")
    package = report.folder / PACKAGE
    assert check_package(package) == []
    root = _tree(package / "arkivstruktur.xml").getroot()
    (folder,) = root.xpath("//n5:mappe", namespaces=NS)
    assert "Sperret" in folder.findtext(f"{{{NS['n5']}}}beskrivelse")


def test_public_titles_hide_every_word_of_the_names(instance: Instance) -> None:
    from app.archive.content import LogContent
    from app.archive.history_bundle import Author

    snap = create_log(instance, given_name="Ola Petter")  # guardians: Mor and Far Testesen
    content = LogContent(
        instance.logs.snapshot(snap.log_id), lambda _id: Author("x", "y"), {}, lambda _id: b""
    )
    assert content.public("Møte om ola PETTER testesen med Mor") == (
        "Møte om ****** ****** ****** med ******"
    )
    assert content.public("Olaf og Petterson") == "Olaf og Petterson"  # whole words only


def test_production_refuses_to_export_without_the_organisation_number(tmp_path: Path) -> None:
    from dataclasses import replace as with_

    from app.archive.export import ArchiveNotConfigured, check_archive_settings
    from app.config import load_settings

    settings = load_settings(
        {"STAFETTLOGG_INSTANCE": str(tmp_path), "STAFETTLOGG_ENV": "production"}
    )
    with pytest.raises(ArchiveNotConfigured, match="organisasjonsnummer"):
        check_archive_settings(settings)
    ready = with_(settings, archive=with_(settings.archive, creator_id="964338531"))
    check_archive_settings(ready)  # a real organisation number: exports may run
    check_archive_settings(load_settings({"STAFETTLOGG_INSTANCE": str(tmp_path / "demo")}))
