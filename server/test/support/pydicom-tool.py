"""Test helper: writes a synthetic DICOM file from a JSON spec, or dumps one as JSON (pydicom).

  pydicom-tool.py write FILE   (spec on stdin: {"implicit": bool, "elements": [[tag, vr, value]...], "pixels": [rows, cols] | null,
                                "encapsulated": bool: pixels as two fake JPEG frames in JPEG Baseline transfer syntax})
  pydicom-tool.py dump FILE    (prints {"meta": {...}, "dataset": {...}} in DICOM JSON, binary values as sha256:<hex>)
"""
import hashlib
import json
import random
import sys

import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, JPEGBaseline8Bit, PYDICOM_IMPLEMENTATION_UID


def build(elements):
    ds = Dataset()
    for tag, vr, value in elements:
        if vr == 'SQ':
            value = [build(item) for item in value]
        elif vr in ('OB', 'OW', 'UN') and isinstance(value, str):
            value = value.encode('latin-1')
        ds.add_new(int(tag, 16), vr, value)
    return ds


def write(path, spec):
    ds = build(spec['elements'])
    if spec.get('pixels'):
        rows, cols = spec['pixels']
        rnd = random.Random(rows * 1000 + cols)
        ds.Rows, ds.Columns = rows, cols
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, 'MONOCHROME2'
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
        ds.PixelData = bytes(rnd.getrandbits(8) for _ in range(rows * cols * 2))
        if spec.get('encapsulated'):
            frames = [b'\xff\xd8' + bytes(rnd.getrandbits(8) for _ in range(n)) + b'\xff\xd9' for n in (rows * cols + 1, rows)]
            ds.NumberOfFrames = len(frames)
            ds.PixelData = encapsulate(frames, has_bot=True)
            ds['PixelData'].VR = 'OB'
            ds['PixelData'].is_undefined_length = True
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ImplicitVRLittleEndian if spec.get('implicit') else ExplicitVRLittleEndian
    if spec.get('encapsulated'):
        meta.TransferSyntaxUID = JPEGBaseline8Bit
    meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    ds.file_meta = meta
    ds.is_little_endian = True
    ds.is_implicit_VR = bool(spec.get('implicit'))
    ds.preamble = b'\0' * 128
    ds.save_as(path, write_like_original=False)


def digest(element):
    return 'sha256:' + hashlib.sha256(element.value or b'').hexdigest()


def dump(path):
    ds = pydicom.dcmread(path)
    out = {
        'meta': ds.file_meta.to_json_dict(bulk_data_threshold=0, bulk_data_element_handler=digest),
        'dataset': ds.to_json_dict(bulk_data_threshold=0, bulk_data_element_handler=digest),
    }
    print(json.dumps(out))


if __name__ == '__main__':
    command, path = sys.argv[1], sys.argv[2]
    if command == 'write':
        write(path, json.load(sys.stdin))
    else:
        dump(path)
