"""What the client round-trip scripts share: the step protocol the node tests read, and the DICOM data."""
import glob
import os

import pydicom

# Real DICOM files shipped with pydicom (python3-pydicom), read from disk: never downloaded.
TEST_FILES = os.path.join(os.path.dirname(pydicom.__file__), 'data', 'test_files')
DICOM = sorted(glob.glob(os.path.join(TEST_FILES, 'MR_small*.dcm')))
assert len(DICOM) >= 3, 'pydicom test files not found in %s' % TEST_FILES


def step(name):
    print('STEP %s ok' % name, flush=True)

