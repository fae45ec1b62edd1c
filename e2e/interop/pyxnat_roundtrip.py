"""Drives an xnat-ts server with the real pyxnat client, the way a lab's scripts use it.

Usage: pyxnat_roundtrip.py SERVER USER PASSWORD WORKDIR

Each step prints `STEP <name> ok`; the first failing step raises, so
the process exits non-zero with a traceback. The node test (pyxnat.e2e.test.ts) runs this with
Debian's /usr/bin/python3 and checks the steps and the server's state afterwards.
"""
import filecmp
import hashlib
import os
import shutil
import sys

import pydicom
from pyxnat import Interface

from interop_steps import DICOM, TEST_FILES, step

SERVER, USER, PASSWORD, WORKDIR = sys.argv[1:5]
PROJECT, OTHER_PROJECT = 'PYX_IO', 'PYX_IO2'
SUBJECT, SESSION, SCAN = 'PYX_S1', 'PYX_MR1', '1'


def md5(path):
    with open(path, 'rb') as f:
        return hashlib.md5(f.read()).hexdigest()


def rows(intf, uri):
    """A listing as pyxnat sees it: pyxnat asks for every listing as CSV."""
    return intf._get_json(uri)


def status(intf, method, uri):
    return getattr(intf, method)(uri).status_code


for path in DICOM:
    assert pydicom.dcmread(path).Modality == 'MR', path

intf = Interface(server=SERVER, user=USER, password=PASSWORD)

# --- connect ---
assert intf._get_entry_point() == '/data', 'pyxnat fell back to /REST: /data/JSESSION failed'
version = intf.version()
assert isinstance(version, dict) and version['version'].startswith('1.8'), version
step('connect')

# --- create the hierarchy ---
project = intf.select.project(PROJECT)
assert not project.exists()
project.create(**{'xnat:projectData/name': 'PyXNAT_interop', 'xnat:projectData/description': 'pyxnat_round_trip'})
assert project.exists()
assert project.attrs.get('xnat:projectData/name') == 'PyXNAT_interop'
step('create project')

DEMOGRAPHICS = 'xnat:subjectData/demographics[@xsi:type=xnat:demographicData]'
subject = project.subject(SUBJECT)
# create() puts these typed xpaths in the query string unencoded; attrs.mset() quotes them.
subject.create(**{DEMOGRAPHICS + '/gender': 'female', 'xnat:subjectData/yob': '1980'})
assert subject.exists()
assert subject.id().startswith('XNAT_S'), subject.id()
assert subject.label() == SUBJECT
assert subject.attrs.get('gender') == 'female', subject.attrs.get('gender')
assert subject.attrs.get(DEMOGRAPHICS + '/yob') == '1980'
subject.attrs.mset({DEMOGRAPHICS + '/handedness': 'left', 'xnat:subjectData/group': 'control'})
assert subject.attrs.mget(['handedness', 'group']) == ['left', 'control'], subject.attrs.mget(['handedness', 'group'])
assert subject.xpath('//xnat:demographics/xnat:gender')[0].text == 'female'
step('create subject')

experiment = subject.experiment(SESSION)
experiment.create(experiments='xnat:mrSessionData', **{'xnat:mrSessionData/date': '2024-01-02'})
assert experiment.exists()
assert experiment.id().startswith('XNAT_E'), experiment.id()
assert experiment.datatype() == 'xnat:mrSessionData', experiment.datatype()
assert experiment.attrs.get('date') == '2024-01-02', experiment.attrs.get('date')
xml = experiment.get().decode()
assert '<xnat:MRSession' in xml and 'ID="%s"' % experiment.id() in xml, xml[:300]
step('create MR session')

scan = experiment.scan(SCAN)
scan.create(scans='xnat:mrScanData', **{'xnat:mrScanData/type': 'T1w', 'xnat:mrScanData/series_description': 'T1_MPRAGE'})
assert scan.exists()
assert scan.datatype() == 'xnat:mrScanData', scan.datatype()
assert scan.attrs.get('type') == 'T1w'
step('create scan')

resource = scan.resource('DICOM')
resource.create(resources='xnat:resourceCatalog', format='DICOM')
assert resource.exists()
step('create resource')

# --- upload real DICOM files, one by one and as a zip pyxnat builds ---
for path in DICOM:
    resource.file(os.path.basename(path)).put(path, format='DICOM', content='T1w_RAW', tags='interop')
step('upload files')

extra = scan.resource('SECONDARY')
extra.put(DICOM[:2], format='DICOM')  # pyxnat zips the files and uploads with extract=true
step('upload zip with extract')

# --- list back with the right columns ---
projects = rows(intf, '/data/projects?columns=ID,name,URI')
assert any(r['ID'] == PROJECT and r['name'] == 'PyXNAT_interop' and r['URI'] == '/data/projects/' + PROJECT for r in projects), projects
subjects = rows(intf, '/data/projects/%s/subjects?columns=ID,label,gender' % PROJECT)
assert [(r['ID'], r['label'], r['gender']) for r in subjects] == [(subject.id(), SUBJECT, 'female')], subjects
experiments = rows(intf, '/data/projects/%s/subjects/%s/experiments?columns=ID,label,xsiType,date' % (PROJECT, SUBJECT))
assert [(r['ID'], r['label'], r['xsiType'], r['date']) for r in experiments] == [(experiment.id(), SESSION, 'xnat:mrSessionData', '2024-01-02')], experiments
assert [e.label() for e in subject.experiments()] == [SESSION]
scans = rows(intf, experiment._uri + '/scans?columns=ID,type,xsiType,series_description')
assert [(r['ID'], r['type'], r['xsiType'], r['series_description']) for r in scans] == [(SCAN, 'T1w', 'xnat:mrScanData', 'T1_MPRAGE')], scans
resources = rows(intf, scan._uri + '/resources')
by_label = {r['label']: r for r in resources}
assert set(by_label) == {'DICOM', 'SECONDARY'}, resources
assert by_label['DICOM']['file_count'] == str(len(DICOM)), by_label['DICOM']
assert by_label['DICOM']['file_size'] == str(sum(os.path.getsize(p) for p in DICOM)), by_label['DICOM']
assert by_label['DICOM']['format'] == 'DICOM'
assert by_label['SECONDARY']['file_count'] == '2', by_label['SECONDARY']
files = rows(intf, resource._uri + '/files')
assert sorted(r['Name'] for r in files) == sorted(os.path.basename(p) for p in DICOM), files
for r in files:
    local = os.path.join(TEST_FILES, r['Name'])
    assert r['Size'] == str(os.path.getsize(local)), r
    assert r['digest'] == md5(local), r
    assert (r['file_format'], r['file_content'], r['file_tags']) == ('DICOM', 'T1w_RAW', 'interop'), r
    assert r['path'] == r['Name'], r  # pyxnat derives `path` from the URI after /files/
assert sorted(resource.files().get()) == sorted(os.path.basename(p) for p in DICOM)
assert sorted(extra.files().get()) == sorted(os.path.basename(p) for p in DICOM[:2])
first = resource.file(os.path.basename(DICOM[0]))
assert first.size() == str(os.path.getsize(DICOM[0]))
assert (first.format(), first.content(), first.labels()) == ('DICOM', 'T1w_RAW', 'interop')
assert first.last_modified(), 'no Last-Modified on HEAD'
step('list with columns')

# --- download and compare bytes ---
downloads = os.path.join(WORKDIR, 'downloads')
os.makedirs(downloads)
for path in DICOM:
    dest = resource.file(os.path.basename(path)).get(os.path.join(downloads, os.path.basename(path)))
    assert filecmp.cmp(dest, path, shallow=False), dest
    assert pydicom.dcmread(dest).SOPInstanceUID == pydicom.dcmread(path).SOPInstanceUID
step('download files')

assert status(intf, 'head', resource._uri + '/files?format=zip') == 200
unpacked = os.path.join(WORKDIR, 'unzipped')
os.makedirs(unpacked)
members = resource.get(unpacked, extract=True)
assert sorted(os.path.basename(m) for m in members) == sorted(os.path.basename(p) for p in DICOM), members
for member in members:
    assert filecmp.cmp(member, os.path.join(TEST_FILES, os.path.basename(member)), shallow=False), member
step('download resource zip')

# --- delete, file by file and then the hierarchy ---
gone = resource.file(os.path.basename(DICOM[-1]))
gone.delete()
assert not gone.exists()
assert len(resource.files().get()) == len(DICOM) - 1
step('delete file')

extra.delete()
assert not extra.exists()
assert [r.label() for r in scan.resources()] == ['DICOM']
step('delete resource')

scan.delete()
assert not scan.exists()
assert rows(intf, experiment._uri + '/scans') == []
step('delete scan')

# --- what users rely on: deleting from the owning project removes the item everywhere ---
intf.select.project(OTHER_PROJECT).create()
share_status = status(intf, 'put', subject._uri + '/projects/%s?label=%s_SHARED' % (OTHER_PROJECT, SUBJECT))
assert share_status in (200, 201), share_status
shared = intf.select.project(OTHER_PROJECT).subject(SUBJECT + '_SHARED')
assert shared.exists() and shared.id() == subject.id()

experiment.delete()
assert not experiment.exists()
assert rows(intf, '/data/projects/%s/experiments' % PROJECT) == []
step('delete experiment')

subject_id = subject.id()
subject.delete()
assert not subject.exists()
assert rows(intf, '/data/projects/%s/subjects' % PROJECT) == []
assert status(intf, 'get', '/data/subjects/%s?format=json' % subject_id) == 404
step('delete subject')
assert rows(intf, '/data/projects/%s/subjects' % OTHER_PROJECT) == []
step('delete removes shared copies')

intf.select.project(OTHER_PROJECT).delete()
project.delete()
assert not project.exists()
assert PROJECT not in intf.select.projects().get()
step('delete project')

intf.disconnect()
shutil.rmtree(downloads)
step('disconnect')
