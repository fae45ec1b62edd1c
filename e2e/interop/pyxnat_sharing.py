"""Shares and unshares with pyxnat (Debian's python3-pyxnat) against a running xnat-ts.

Usage: /usr/bin/python3 pyxnat_sharing.py URL USER PASSWORD share|unshare
Prints one JSON object per step on stdout; the e2e test checks them and the server's listings.
"""
import json
import sys

from pyxnat import Interface

url, user, password, phase = sys.argv[1:5]
xnat = Interface(server=url, user=user, password=password)
src = xnat.select.project('SRC')
dst = xnat.select.project('DST')
subject = src.subject('S01')
session = subject.experiment('MR1')


def step(name, **values):
    print(json.dumps(dict(step=name, **values)), flush=True)


if phase == 'share':
    subject.create()
    session.create(experiments='xnat:mrSessionData')
    step('created', subject=subject.exists(), session=session.exists(), session_id=session.id())
    subject.share('DST', label='D01')
    session.share('DST', label='D_MR1')
    step('shared',
         subjects=sorted(s.label() for s in dst.subjects()),
         # project.experiments() resolves each experiment through its owner project (a pyxnat habit),
         # so labels are read under the shared subject, where the destination's labels apply.
         experiments=sorted(e.label() for e in dst.subject('D01').experiments()),
         experiment_ids=sorted(e.id() for e in dst.experiments()),
         subject_in_dst=xnat.select('/project/DST/subject/D01').exists(),
         session_in_dst=xnat.select('/project/DST/subject/D01/experiment/D_MR1').exists(),
         label_in_dst=xnat.select('/project/DST/subject/D01').label(),
         shares=sorted(p.id() for p in subject.shares()))
    try:
        subject.share('SRC')
        step('share-into-owner', refused=False)
    except ValueError as e:
        step('share-into-owner', refused=True, message=str(e))
else:
    session.unshare('DST')
    subject.unshare('DST')
    step('unshared',
         subjects=sorted(s.label() for s in dst.subjects()),
         experiment_ids=sorted(e.id() for e in dst.experiments()),
         subject_in_dst=xnat.select('/project/DST/subject/D01').exists(),
         source_still=subject.exists() and session.exists())
xnat.disconnect()
