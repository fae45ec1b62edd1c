import type { DicomHeader } from '../../dicom/dicom-header.js';
import type { ReceivedFile } from '../../domain/session-building.js';

/** The manifest line of a stored instance. */
export function receivedFile(header: DicomHeader, scan: string, name: string, size: number, md5: string): ReceivedFile {
  return {
    scan, name, size, md5, sopUid: header.sopInstanceUid, sopClassUid: header.sopClassUid, seriesUid: header.seriesInstanceUid,
    seriesNumber: header.seriesNumber, seriesDescription: header.seriesDescription, modality: header.modality, frames: header.frames,
    studyDate: header.studyDate, studyTime: header.studyTime, seriesTime: header.seriesTime, manufacturer: header.manufacturer,
    modelName: header.modelName, stationName: header.stationName, patientName: header.patientName, patientId: header.patientId,
    accessionNumber: header.accessionNumber,
  };
}

/** The stored name of an instance: its SOP Instance UID, so a resent instance replaces itself. */
export function instanceFileName(header: DicomHeader): string {
  return `${header.sopInstanceUid.replace(/[^0-9A-Za-z._-]/g, '_')}.dcm`;
}
