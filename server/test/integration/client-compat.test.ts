import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { XMLValidator } from 'fast-xml-parser';
import { testDialects } from '../support/dialects.js';
import { ApiClient } from '../support/api-client.js';
import { buildTestApp, ADMIN, type TestApp } from '../support/test-app.js';
import { makeProject, makeSession, makeSubject } from '../support/builders.js';

/**
 * The requests xnatpy and pyxnat make that the archive routes do not cover: xnatpy's connect
 * sequence (login by form, cookie-only session, schemas and search elements it builds its classes
 * from) and the documents it reads fields from. The real clients run in e2e/interop.
 */
for (const dialect of testDialects()) {
  describe(`client compatibility (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(dialect);
    });
    after(() => t.close());

    it('answers xnatpy\'s connect sequence with a cookie session only', async () => {
      const login = await t.anonymous.put('/data/services/auth', {
        body: `username=${ADMIN.login}&password=${ADMIN.password}`, headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(login.status, 200, login.text);
      const cookie = String(login.headers['set-cookie']).match(/JSESSIONID=([^;]+)/)?.[1];
      assert.equal(cookie, login.text);
      const session = { cookie: `JSESSIONID=${cookie}` };
      assert.equal((await t.anonymous.get('/data/auth', { headers: session })).text, `User '${ADMIN.login}' is logged in`);
      assert.equal((await t.anonymous.get('/data/JSESSION', { headers: session })).status, 200);
      assert.notEqual((await t.anonymous.get('/data/version', { headers: session })).status, 200);
      assert.match((await t.anonymous.get('/xapi/siteConfig/buildInfo?format=json')).json().version, /^1\.8/);

      const names = (await t.anonymous.get('/xapi/schemas?format=json', { headers: session })).json() as string[];
      assert.deepEqual(names, ['xnat', 'xdat']);
      for (const name of names) {
        const xsd = await t.anonymous.get(`/xapi/schemas/${name}`, { headers: { ...session, 'accept-encoding': 'identity' } });
        assert.equal(xsd.status, 200);
        assert.match(String(xsd.headers['content-type']), /^application\/xml/);
        assert.equal(XMLValidator.validate(xsd.text), true);
        assert.match(xsd.text, new RegExp(`<xs:schema[^>]* xmlns:${name}="`));
      }
      const elements = (await t.anonymous.get('/data/search/elements?format=json', { headers: session })).rows();
      assert.ok(elements.some((e) => e.ELEMENT_NAME === 'xnat:mrSessionData'));
      const xnatXsd = (await t.admin.get('/xapi/schemas/xnat')).text;
      for (const { ELEMENT_NAME } of elements) {
        // Every searchable type has a class in the schema, and its field IDs cannot shadow generated properties.
        assert.match(xnatXsd, new RegExp(`<xs:complexType name="${(ELEMENT_NAME as string).slice(5)}"`), ELEMENT_NAME);
        const fields = await t.anonymous.get(`/data/search/elements/${ELEMENT_NAME}?format=json`, { headers: session });
        assert.equal(fields.status, 200, ELEMENT_NAME);
        for (const { FIELD_ID } of fields.rows()) assert.match(FIELD_ID as string, /^[A-Z][A-Z0-9_]*$/, `${ELEMENT_NAME} ${FIELD_ID}`);
      }
    });

    it('serves schemas by XNAT\'s file names and refuses unknown ones with the list it has', async () => {
      assert.equal((await t.admin.get('/xapi/schemas/xnat.xsd')).text, (await t.admin.get('/xapi/schemas/xnat')).text);
      assert.equal((await t.admin.get('/xapi/schemas/xdat/xdat.xsd')).text, (await t.admin.get('/xapi/schemas/xdat')).text);
      for (const missing of ['/xapi/schemas/catalog', '/xapi/schemas/xdat/display', '/xapi/schemas/..%2Fetc']) {
        const res = await t.admin.get(missing);
        assert.equal(res.status, 404, missing);
        assert.equal(res.json().error.code, 'not_found');
        assert.match(res.json().error.message, /publishes xnat, xdat/);
      }
    });

    it('follows the site\'s login rule for schemas', async () => {
      const closed = await buildTestApp(dialect, { 'site.requireLogin': true });
      try {
        assert.equal((await closed.anonymous.get('/xapi/schemas')).status, 401);
        assert.equal((await closed.admin.get('/xapi/schemas')).status, 200);
      } finally {
        await closed.close();
      }
    });

    it('creates items the way xnatpy does: archive URLs, req_format=qs and type-prefixed fields', async () => {
      const project = await t.admin.put('/data/archive/projects/XPY', { query: { xsiType: 'xnat:projectData', req_format: 'qs', 'xnat:projectData/name': 'Xnatpy_Project' } });
      assert.equal(project.status, 200, project.text);
      const subject = await t.admin.put('/data/projects/XPY/subjects/S1', { query: { xsiType: 'xnat:subjectData', req_format: 'qs', 'xnat:subjectData/label': 'S1' } });
      assert.equal(subject.status, 201, subject.text);
      const demographics = await t.admin.put(`/data/archive/projects/XPY/subjects/${subject.text}`, {
        query: { xsiType: 'xnat:subjectData', 'xnat:subjectData/demographics[@xsi:type=xnat:demographicData]/gender': 'female' },
      });
      assert.equal(demographics.status, 200, demographics.text);
      const doc = (await t.admin.get(`/data/projects/XPY/subjects/${subject.text}?format=json`)).json().items[0];
      assert.equal(doc.meta['xsi:type'], 'xnat:subjectData');
      const demo = doc.children.find((c: { field: string }) => c.field === 'demographics');
      assert.deepEqual(demo.items[0].meta['xsi:type'], 'xnat:demographicData');
      assert.equal(demo.items[0].data_fields.gender, 'female');

      const session = await t.admin.put(`/data/archive/projects/XPY/subjects/${subject.text}/experiments/MR1`, { query: { xsiType: 'xnat:mrSessionData', req_format: 'qs', 'xnat:mrSessionData/label': 'MR1' } });
      assert.equal(session.status, 201, session.text);
      const scan = await t.admin.put(`/data/archive/projects/XPY/subjects/${subject.text}/experiments/${session.text}/scans/T1w`, {
        query: { xsiType: 'xnat:mrScanData', req_format: 'qs', 'xnat:mrScanData/type': 'T1w', 'xnat:mrScanData/series_description': 'T1_MPRAGE' },
      });
      assert.equal(scan.status, 200, scan.text);
      const scanDoc = (await t.admin.get(`/data/experiments/${session.text}/scans/T1w?format=json`)).json().items[0];
      assert.equal(scanDoc.meta['xsi:type'], 'xnat:mrScanData');
      assert.equal(scanDoc.data_fields.series_description, 'T1_MPRAGE');
      assert.equal(scanDoc.data_fields.image_session_ID, session.text);
      const resource = await t.admin.put(`/data/experiments/${session.text}/scans/T1w/resources/DICOM`, { query: { format: 'DICOM' } });
      assert.equal(resource.status, 200);
      const catalog = await t.admin.get(`/data/experiments/${session.text}/scans/T1w/resources/DICOM?format=json`);
      assert.ok(catalog.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<cat:Catalog'), catalog.text.slice(0, 80));
    });

    it('accepts the typed xpaths pyxnat\'s create() puts in the query string unencoded', async () => {
      await makeProject(t.admin, 'PYX');
      const typed = 'xnat:subjectData/demographics[@xsi:type=xnat:demographicData]';
      const created = await t.admin.put(`/data/projects/PYX/subjects/S1?xsiType=xnat:subjectData&${typed}/gender=female&${typed}/yob=1980&xnat:subjectData/group=a=b`);
      assert.equal(created.status, 201, created.text);
      const row = (await t.admin.get('/data/projects/PYX/subjects?format=json&columns=ID,gender,yob,group')).rows()[0];
      assert.deepEqual([row?.gender, row?.yob, row?.group], ['female', '1980', 'a=b']);
      const refused = await t.admin.put(`/data/projects/PYX/subjects/S1?xsiType=xnat:subjectData&${typed}/shoe_size=42`);
      assert.equal(refused.status, 400);
      assert.match(refused.text, /Unknown field 'xnat:subjectData\/demographics\[@xsi:type=xnat:demographicData\]\/shoe_size'/);
    });

    it('answers HEAD on a file with its size and when it was stored (xnatpy file.size, pyxnat last_modified)', async () => {
      await makeProject(t.admin, 'HEADS');
      const before = Date.now() - 1000;
      const put = await t.admin.upload('/data/projects/HEADS/resources/DOCS/files/a/b.txt', 'nested text');
      assert.equal(put.status, 200, put.text);
      const head = await t.admin.request('HEAD', '/data/projects/HEADS/resources/DOCS/files/a/b.txt');
      assert.equal(head.status, 200);
      assert.equal(head.headers['content-length'], String('nested text'.length));
      const modified = Date.parse(String(head.headers['last-modified']));
      assert.ok(modified >= before && modified <= Date.now(), String(head.headers['last-modified']));
      assert.equal(head.body.length, 0);
    });

    it('names the assessed session imageSession_ID in assessor documents, as the schema declares it', async () => {
      await makeProject(t.admin, 'ASSESS');
      const subject = await makeSubject(t.admin, 'ASSESS', 'S1');
      const session = await makeSession(t.admin, 'ASSESS', subject, 'MR1');
      const created = await t.admin.put(`/data/experiments/${session}/assessors/QC1`, { query: { xsiType: 'xnat:qcAssessmentData' } });
      assert.equal(created.status, 201, created.text);
      const json = (await t.admin.get(`/data/experiments/${session}/assessors/QC1?format=json`)).json().items[0];
      assert.equal(json.meta['xsi:type'], 'xnat:qcAssessmentData');
      assert.equal(json.data_fields.imageSession_ID, session);
      assert.equal(json.data_fields.session_ID, undefined);
      const xml = (await t.admin.get(`/data/experiments/${session}/assessors/QC1?format=xml`)).text;
      assert.match(xml, new RegExp(`<xnat:imageSession_ID>${session}</xnat:imageSession_ID>`));
      assert.match((await t.admin.get('/xapi/schemas/xnat')).text, /<xs:element name="imageSession_ID" type="xs:string">/);
      // The assessor listing keeps XNAT's column name.
      const row = (await t.admin.get(`/data/experiments/${session}/assessors?format=json`)).rows()[0];
      assert.equal(row?.session_ID, session);
    });

    it('shares and unshares with the calls clients send (PUT/DELETE .../projects/{dest}?label=)', async () => {
      await makeProject(t.admin, 'OWNER');
      await makeProject(t.admin, 'OTHER');
      const subject = await makeSubject(t.admin, 'OWNER', 'S1');
      const shared = await t.admin.put(`/data/projects/OWNER/subjects/${subject}/projects/OTHER`, { query: { label: 'S1_SHARED' } });
      assert.equal(shared.status, 200, shared.text);
      assert.deepEqual((await t.admin.get('/data/projects/OTHER/subjects?format=json')).rows().map((r) => r.label), ['S1_SHARED']);
      assert.equal((await t.admin.delete(`/data/projects/OWNER/subjects/${subject}/projects/OTHER`)).status, 200);
      assert.deepEqual((await t.admin.get('/data/projects/OTHER/subjects?format=json')).rows(), []);
      assert.equal((await t.admin.get('/data/projects/OWNER/subjects?format=json')).rows().length, 1);
    });

    it('lets pyxnat read every listing as CSV with the columns it asks for', async () => {
      const client = new ApiClient(t.app.http, ADMIN);
      const csv = await client.get('/data/projects/XPY/subjects?format=csv&columns=ID,label');
      assert.equal(csv.status, 200);
      const [header, ...lines] = csv.text.trim().split('\n');
      assert.deepEqual(header?.split(','), ['ID', 'label', 'URI']);
      assert.equal(lines.length, 1);
    });
  });
}
