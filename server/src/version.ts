/** This product's version, and the XNAT REST API level it speaks (reported as XNAT's `version`). */
export const PRODUCT_VERSION = '0.1.0';
export const XNAT_API_VERSION = '1.8.10';
