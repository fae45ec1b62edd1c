import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uiPathForXnatAppUrl } from './xnat-app-links.js';

describe('XNAT /app links', () => {
  it('maps report pages of projects, subjects and sessions to UI pages', () => {
    assert.equal(uiPathForXnatAppUrl('/app/action/DisplayItemAction/search_element/xnat:projectData/search_field/xnat:projectData.ID/search_value/PRJ1'), '/projects/PRJ1');
    assert.equal(uiPathForXnatAppUrl('/app/template/XDATScreen_report_xnat_projectData.vm/search_element/xnat:projectData/search_field/xnat:projectData.ID/search_value/PRJ1'), '/projects/PRJ1');
    assert.equal(uiPathForXnatAppUrl('/app/action/DisplayItemAction/search_element/xnat:subjectData/search_field/xnat:subjectData.ID/search_value/XNAT_S00001/project/PRJ1'), '/projects/PRJ1/subjects/XNAT_S00001');
    assert.equal(uiPathForXnatAppUrl('/app/action/DisplayItemAction/search_element/xnat:subjectData/search_field/xnat:subjectData.ID/search_value/XNAT_S00001'), '/subjects/XNAT_S00001');
    assert.equal(uiPathForXnatAppUrl('/app/action/DisplayItemAction/search_element/xnat:mrSessionData/search_field/xnat:mrSessionData.ID/search_value/XNAT_E00002/project/P%202'), '/projects/P%202/experiments/XNAT_E00002');
    assert.equal(uiPathForXnatAppUrl('/app/action/DisplayItemAction/search_element/xnat:petSessionData/search_field/xnat:petSessionData.ID/search_value/XNAT_E00003'), '/experiments/XNAT_E00003');
  });

  it('maps the upload, prearchive, download, login and logout screens', () => {
    assert.equal(uiPathForXnatAppUrl('/app/template/XDATScreen_uploadCompressed.vm'), '/upload');
    assert.equal(uiPathForXnatAppUrl('/app/template/XDATScreen_prearchives.vm'), '/prearchive');
    assert.equal(uiPathForXnatAppUrl('/app/template/XDATScreen_download_sessions.vm'), '/download');
    assert.equal(uiPathForXnatAppUrl('/app/template/Login.vm'), '/login');
    assert.equal(uiPathForXnatAppUrl('/app/action/LogoutUser'), '/logout');
  });

  it('sends anything else to the home page', () => {
    assert.equal(uiPathForXnatAppUrl('/app/template/Index.vm'), '/');
    assert.equal(uiPathForXnatAppUrl('/app/template/XDATScreen_admin.vm'), '/');
    assert.equal(uiPathForXnatAppUrl('/app/action/DisplayItemAction/search_element/xnat:projectData'), '/');
    assert.equal(uiPathForXnatAppUrl('/app/%E0%A4%A/x'), '/');
  });
});
