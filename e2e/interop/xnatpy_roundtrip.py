"""Drives an xnat-ts server with the real xnatpy client (module `xnat`), the way a lab's scripts use it.

Usage: xnatpy_roundtrip.py SERVER USER PASSWORD WORKDIR, with an xnatpy source tree on PYTHONPATH
(the node test sets it from XNATPY_SRC). Each step prints `STEP <name> ok`;
the first failing step raises, so the process exits non-zero with a traceback.
"""
import datetime
import filecmp
import glob
import os
import shutil
import sys

import xnat

from interop_steps import DICOM, TEST_FILES, step

SERVER, USER, PASSWORD, WORKDIR = sys.argv[1:5]
PROJECT, SUBJECT, SESSION, SCAN = 'XPY_IO', 'XPY_S1', 'XPY_MR1', '1'


# --- connect: login, version, schemas (the whole object model) and search elements ---
session = xnat.connect(SERVER, user=USER, password=PASSWORD, loglevel='WARNING')
assert session.logged_in_user == USER, session.logged_in_user
assert session.xnat_version.startswith('1.8'), session.xnat_version
for xsi_type in ('xnat:projectData', 'xnat:subjectData', 'xnat:mrSessionData', 'xnat:ctSessionData', 'xnat:mrScanData', 'xnat:resourceCatalog'):
    assert xsi_type in session.XNAT_CLASS_LOOKUP, xsi_type
step('connect')

# --- create the hierarchy ---
session.classes.ProjectData(parent=session, id_=PROJECT, name='XNATPY_interop')
session.clearcache()
project = session.projects[PROJECT]
assert project.id == PROJECT and project.name == 'XNATPY_interop'
step('create project')

session.classes.SubjectData(parent=project, label=SUBJECT)
subject = project.subjects[SUBJECT]
assert subject.id.startswith('XNAT_S') and subject.label == SUBJECT
subject.demographics.gender = 'female'
subject.clearcache()
assert project.subjects[SUBJECT].demographics.gender == 'female'
step('create subject')

session.classes.MrSessionData(parent=subject, label=SESSION)
experiment = subject.experiments[SESSION]
assert experiment.id.startswith('XNAT_E') and experiment.label == SESSION
assert experiment.__xsi_type__ == 'xnat:mrSessionData'
experiment.date = datetime.date(2024, 1, 2)
experiment.clearcache()
assert subject.experiments[SESSION].date == datetime.date(2024, 1, 2)
step('create MR session')

session.classes.MrScanData(parent=experiment, id=SCAN, type=SCAN, series_description='T1_MPRAGE')
experiment.clearcache()
scan = experiment.scans[SCAN]
assert scan.id == SCAN and scan.series_description == 'T1_MPRAGE' and scan.__xsi_type__ == 'xnat:mrScanData'
step('create scan')

resource = scan.create_resource('DICOM', format='DICOM')
step('create resource')

# --- upload real DICOM files, one by one and as the tar.gz upload_dir builds ---
for path in DICOM:
    resource.upload(path, os.path.basename(path), file_format='DICOM', file_content='T1w_RAW')
step('upload files')

folder = os.path.join(WORKDIR, 'upload', 'series')
os.makedirs(folder)
for path in DICOM[:2]:
    shutil.copy(path, folder)
scan.create_resource('SECONDARY').upload_dir(folder)
step('upload directory (tar.gz, extract)')

# --- list back ---
scan.clearcache()
resources = scan.resources
assert sorted(r.label for r in resources.values()) == ['DICOM', 'SECONDARY']
listed = resources['DICOM']
assert listed.file_count == len(DICOM) and listed.file_size == sum(os.path.getsize(p) for p in DICOM)
assert listed.format == 'DICOM'
files = listed.files
assert sorted(files.keys()) == sorted(os.path.basename(p) for p in DICOM), sorted(files.keys())
for name, f in files.items():
    assert int(f.size) == os.path.getsize(os.path.join(TEST_FILES, name))
    assert (f.file_format, f.file_content) == ('DICOM', 'T1w_RAW')
assert sorted(resources['SECONDARY'].files.keys()) == sorted(os.path.basename(p) for p in DICOM[:2])
assert [e.label for e in project.experiments.values()] == [SESSION]
step('list')

# --- download and compare bytes ---
downloads = os.path.join(WORKDIR, 'downloads')
os.makedirs(downloads)
for name, f in files.items():
    dest = os.path.join(downloads, name)
    f.download(dest, verbose=False)
    assert filecmp.cmp(dest, os.path.join(TEST_FILES, name), shallow=False), name
    with f.open() as fh:
        assert fh.read() == open(dest, 'rb').read()
step('download files')

target = os.path.join(WORKDIR, 'zipped')
unpacked = listed.download_dir(target, verbose=False)
got = sorted(os.path.basename(p) for p in glob.glob(os.path.join(unpacked, '**', '*.dcm'), recursive=True))
assert got == sorted(os.path.basename(p) for p in DICOM), got
experiment.download_dir(os.path.join(WORKDIR, 'session'), verbose=False)
step('download zip')

# --- delete ---
files[os.path.basename(DICOM[-1])].delete()
listed.clearcache()
assert len(listed.files) == len(DICOM) - 1
step('delete file')

resources['SECONDARY'].delete()
scan.clearcache()
assert list(scan.resources.keys()) == [listed.id]
step('delete resource')

scan.delete()
experiment.clearcache()
assert len(experiment.scans) == 0
step('delete scan')

experiment = project.subjects[SUBJECT].experiments[SESSION]
experiment.delete()
subject.clearcache()
assert len(project.subjects[SUBJECT].experiments) == 0
step('delete experiment')

project.subjects[SUBJECT].delete()
project.clearcache()
assert len(project.subjects) == 0
step('delete subject')

session.projects[PROJECT].delete()
session.clearcache()
assert PROJECT not in session.projects
step('delete project')

session.disconnect()
step('disconnect')
