"""The report as one self-contained HTML page: inline CSS, pictures as data: URIs, and a
Content-Security-Policy that forbids loading anything (no network)."""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence

from gait.catalogue import NOT_GIVEN
from gait.cues import NOT_A_DIAGNOSIS, PLAN_EVIDENCE, SEE_A_PROFESSIONAL, Cue
from gait.document.before_after import COLUMNS as BEFORE_AFTER_COLUMNS
from gait.document.before_after import HEADING as BEFORE_AFTER_HEADING
from gait.document.before_after import BeforeAfter
from gait.document.content import (
    ACCURACY,
    ACCURACY_CONSEQUENCE,
    KEY_FRAMES_LEGEND,
    METHODS,
    PUBLISHED,
    REFERENCES,
    SEVERITY_COLOURS,
    SUBTITLE,
    Content,
    cue_fields,
    plan_intro,
    summary_lines,
)
from gait.document.pictures import Picture

_CSS = """
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;color:#1c2833;max-width:60rem;margin:1.5rem auto;
padding:0 1rem;line-height:1.45;font-size:15px}
h1{font-size:1.7rem;margin:.2rem 0}h2{font-size:1.25rem;border-bottom:2px solid #d5d8dc;padding-bottom:.2rem;
margin-top:2rem}h3{font-size:1.05rem;margin:.2rem 0 .4rem}
.sub{color:#566573;margin:0 0 1rem}.banner{background:#fef5e7;border-left:6px solid #d68910;padding:.6rem .9rem;
margin:1rem 0}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:.35rem .4rem;
border-bottom:1px solid #e5e8e8;vertical-align:top}th{background:#f2f3f4}td.num{text-align:right;
white-space:nowrap}.kv th{width:11rem;background:none}.src{color:#566573;font-style:italic}
.cue{border-left:6px solid #5d6d7e;background:#fbfcfc;padding:.5rem .9rem;margin:.8rem 0;page-break-inside:avoid}
.tag{display:inline-block;color:#fff;border-radius:.8rem;padding:0 .6rem;font-size:.8rem;margin-left:.4rem}
.cue dl{margin:.3rem 0}.cue dt{font-weight:bold;margin-top:.35rem}.cue dd{margin:0}
figure{margin:.6rem 0;display:inline-block;vertical-align:top}figure img{max-width:100%;border:1px solid #d5d8dc}
.frames figure{width:48%}.frames img{max-height:30rem}figcaption{font-size:.85rem;color:#566573}
.warn li{color:#7e5109}footer{margin-top:2rem;color:#566573;font-size:.85rem;border-top:1px solid #d5d8dc;
padding-top:.5rem}
.beyond{color:#1e8449}
@media print{body{font-size:11pt}h2{page-break-after:avoid}}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _img(picture: Picture) -> str:
    data = base64.b64encode(picture.png).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{_e(picture.caption)}">'
            f"<figcaption>{_e(picture.caption)}</figcaption></figure>")


def _key_values(rows: list[tuple[str, str]]) -> list[str]:
    return [f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows]


def _head(content: Content) -> list[str]:
    return ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
            'style-src \'unsafe-inline\'">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(content.title)} – {_e(content.created)}</title><style>{_CSS}</style></head><body>",
            f"<h1>{_e(content.title)}</h1><p class=\"sub\">{_e(SUBTITLE)}</p>",
            f'<div class="banner"><strong>Not a diagnosis.</strong> {_e(NOT_A_DIAGNOSIS)}</div>']


def _session(content: Content) -> list[str]:
    out = ["<h2>Runner and session</h2><table class=\"kv\">", *_key_values(content.details),
           "</table><h2>Capture quality</h2><table class=\"kv\">", *_key_values(content.quality), "</table>"]
    if content.warnings:
        out.append('<ul class="warn">' + "".join(f"<li>{_e(w)}</li>" for w in content.warnings) + "</ul>")
    lines = summary_lines(content)
    out.append("<h2>Summary</h2><ul>" + "".join(f"<li><strong>{_e(k)}:</strong> {_e(v)}</li>" for k, v in lines)
               + "</ul>")
    return out


def _measurements(content: Content) -> list[str]:
    out = ["<h2>Measurements</h2><p>Mean over the steady steps; left and right are the runner's own "
           "sides; SD: step-to-step spread.</p><table><tr><th>Measure</th><th>Value</th><th>Left</th>"
           "<th>Right</th><th>SD</th><th>Steps</th><th>Reference</th></tr>"]
    for r in content.metrics:
        sides = (f"<td colspan=\"3\">{_e(r.detail)}</td>" if r.detail else  # an asymmetry's interval, verdict
                 f"<td class=\"num\">{_e(r.left)}</td><td class=\"num\">{_e(r.right)}</td>"
                 f"<td class=\"num\">{_e(r.sd)}</td>")
        out.append(f"<tr><td>{_e(r.title)}</td><td class=\"num\"><strong>{_e(r.value)}</strong></td>{sides}"
                   f"<td class=\"num\">{_e(r.n)}</td>"
                   f"<td>{_e(r.reference)} <span class=\"src\">({_e(r.source)})</span></td></tr>")
    out.append("</table>")
    if not content.metrics:
        out.append("<p>No measurement could be made.</p>")
    out += [f"<p class=\"src\">{_e(note)}</p>" for note in content.notes]
    out += [_img(p) for p in content.drawings]
    return out


def _pictures(key_frames: Sequence[Picture], plots: Sequence[Picture]) -> list[str]:
    out = []
    if key_frames:
        out.append(f"<h2>Key frames at landing</h2><p class=\"src\">{_e(KEY_FRAMES_LEGEND)}</p>"
                   "<div class=\"frames\">" + "".join(map(_img, key_frames)) + "</div>")
    if plots:
        out.append("<h2>Over the gait cycle</h2>" + "".join(map(_img, plots)))
    return out


def _cue(cue: Cue) -> str:
    colour = SEVERITY_COLOURS[cue.severity]
    body = "".join(f"<dt>{_e(label)}</dt><dd>{_e(text)}</dd>" for label, text in cue_fields(cue))
    return (f'<div class="cue" style="border-left-color:{colour}"><h3>{_e(cue.title)}'
            f'<span class="tag" style="background:{colour}">{_e(cue.severity_label)}</span></h3>'
            f"<dl>{body}</dl></div>")


def _cues(content: Content) -> list[str]:
    out = ["<h2>Form cues</h2><p>Options to discuss with your physical therapist, most important first.</p>"]
    out += [_cue(c) for c in content.cues] or ["<p>No rule of the table fired for these measurements. That "
                                               "does not rule out a problem: see the methods.</p>"]
    out.append(f"<p><strong>When to see a professional.</strong> {_e(SEE_A_PROFESSIONAL)}</p>")
    return out


def _plan(content: Content) -> list[str]:
    out = [f"<h2>Retraining plan</h2><p>{_e(plan_intro(content))}</p><p class=\"src\">Evidence: "
           f"{_e(PLAN_EVIDENCE)}.</p><table><tr><th>When</th><th>Target cadence</th><th>What to do</th></tr>"]
    for stage in content.plan:
        target = f"{stage.cadence_spm} steps/min" if stage.cadence_spm else NOT_GIVEN
        out.append(f"<tr><td>{_e(stage.weeks)}</td><td class=\"num\">{_e(target)}</td><td>{_e(stage.what)}"
                   "</td></tr>")
    out.append("</table>")
    return out


def _before_after(section: BeforeAfter | None) -> list[str]:
    """The before/after section (nothing without a previous session)."""
    if section is None:
        return []
    out = [f"<h2>{_e(BEFORE_AFTER_HEADING)}</h2><p>{_e(section.intro)}</p><table><tr>"
           + "".join(f"<th>{_e(c)}</th>" for c in BEFORE_AFTER_COLUMNS) + "</tr>"]
    for r in section.rows:
        judged = f'<strong class="beyond">{_e(r.judged)}</strong>' if r.beyond else _e(r.judged)
        numbers = "".join(f"<td class=\"num\">{_e(text)}</td>" for text in (r.before, r.after, r.change, r.sdc))
        out.append(f"<tr><td>{_e(r.title)}</td>{numbers}<td>{judged}</td></tr>")
    out.append("</table>")
    out += [f"<p class=\"src\">{_e(note)}</p>" for note in section.notes]
    return out


def _methods(content: Content) -> list[str]:
    out = ["<h2>Methods and accuracy</h2>" + "".join(f"<p>{_e(p)}</p>" for p in METHODS),
           "<h3>Measured accuracy of this tool</h3><table><tr><th>Measure</th><th>Error</th><th>Tested on</th></tr>"]
    out += [f"<tr><td>{_e(a)}</td><td>{_e(b)}</td><td>{_e(c)}</td></tr>" for a, b, c in ACCURACY]
    out.append(f"</table><p>{_e(ACCURACY_CONSEQUENCE)}</p><p>{_e(PUBLISHED)}</p>")
    out.append("<h3>Cue rules</h3><table><tr><th>Measure</th><th>Cue at</th><th>Basis of the threshold</th>"
               "<th>Evidence</th></tr>")
    out += [f"<tr><td>{_e(a)}</td><td class=\"num\">{_e(b)}</td><td>{_e(c)}</td><td class=\"src\">{_e(d)}"
            "</td></tr>" for a, b, c, d in content.rules]
    out.append("</table><h3>References</h3><ul>" + "".join(f"<li>{_e(r)}</li>" for r in REFERENCES) + "</ul>")
    return out


def render_html(content: Content, key_frames: Sequence[Picture] = (), plots: Sequence[Picture] = ()) -> str:
    """The report as one self-contained HTML page (see the module's description)."""
    sections = (_head(content), _session(content), _measurements(content), _before_after(content.before_after),
                _pictures(key_frames, plots),
                _cues(content), _plan(content), _methods(content),
                [f"<footer>{_e(NOT_A_DIAGNOSIS)}</footer></body></html>"])
    return "\n".join(line for section in sections for line in section)
