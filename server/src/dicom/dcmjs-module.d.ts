// dcmjs ships no type declarations; dicom-summary.ts types the few calls it makes.
declare module 'dcmjs';
