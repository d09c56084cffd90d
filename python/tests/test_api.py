"""Unit tests of the Python API: the same results as the Rust library, errors with the
library's messages, the GIL released in batch calls, and the learning primitives."""

from __future__ import annotations

import pickle
import threading
import time

import pytest

import zhclean
from zhclean import Cleaner, ConfigError, LearnedLine, Learner

ANNOTATED = "推進(jìn)經(jīng)濟(jì)發(fā)達(dá)鎮(zhèn)"


def test_clean_matches_the_library_doc_example():
    assert Cleaner().clean(ANNOTATED) == "推进经济发达镇\n"


HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>經濟報告</title></head><body>"
    "<nav><a href=/>首頁</a> <a href=/n>新聞</a> <a href=/f>財經</a></nav>"
    "<div class=content><p>推進經濟發達鎮行政管理體制改革，是重要部署。</p>"
    "<pre>x = 1,  y = 2</pre></div></body></html>"
)


def test_clean_takes_html():
    c = Cleaner()
    out = c.clean(HTML_PAGE, format="html")
    assert out.startswith("经济报告\n\n推进经济发达镇")
    assert "首页" not in out and "<" not in out
    assert "\nx = 1,  y = 2\n" in out  # pre comes through verbatim
    assert c.clean(HTML_PAGE, format="auto") == out
    assert c.clean_batch([HTML_PAGE, ANNOTATED], format="auto") == [out, c.clean(ANNOTATED)]
    assert c.clean_with_report(HTML_PAGE, format="html")[0] == out
    # The default reads the text as a page's text, leaked markup and all.
    assert c.clean(HTML_PAGE) != out
    with pytest.raises(ValueError, match="format"):
        c.clean(HTML_PAGE, format="xml")


def test_clean_batch_keeps_order_and_equals_clean(records):
    texts = [r["text"] for r in records[:80]]
    c = Cleaner()
    one_by_one = [c.clean(t) for t in texts]
    assert c.clean_batch(texts) == one_by_one
    assert c.clean_batch(texts, threads=1) == one_by_one
    assert c.clean_batch(texts, threads=3) == one_by_one
    assert c.clean_batch([]) == []
    with pytest.raises(ValueError, match="threads"):
        c.clean_batch(texts, threads=0)


def test_clean_batch_releases_the_gil(records):
    """While one thread is inside clean_batch, Python code keeps running in another."""
    c = Cleaner()
    texts = [r["text"] for r in records] * 6
    ticks = 0
    started = time.perf_counter()
    worker = threading.Thread(target=c.clean_batch, args=(texts,), kwargs={"threads": 1})
    worker.start()
    while worker.is_alive():
        ticks += 1
        time.sleep(0.001)
    elapsed = time.perf_counter() - started
    assert elapsed > 0.05, "batch too small to observe"
    # With the GIL held for the whole call this loop could not run until it returned.
    assert ticks >= 10, (ticks, elapsed)


def test_explain_lists_every_stage_and_ends_with_the_output():
    c = Cleaner()
    steps = c.explain(ANNOTATED)
    assert [s.stage for s in steps] == list(zhclean.STAGES)
    assert steps[0].before == ANNOTATED
    assert steps[-1].after == c.clean(ANNOTATED)
    ruby = next(s for s in steps if s.stage == "ruby")
    assert ruby.changes > 0 and ruby.before != ruby.after
    for a, b in zip(steps, steps[1:]):
        assert a.after == b.before


def test_explain_of_a_settled_page_chains_its_passes():
    """A page whose cleaning ran its stages again (the garbage stage still had work once
    `ruby` took an annotation off) lists those passes after the first, chained."""
    page = "有一些可能會(huì)ㄟ^(guò)接口來(lái)實(shí)現(xiàn)。"
    c = Cleaner()
    steps = c.explain(page)
    n = len(zhclean.STAGES)
    assert [s.stage for s in steps[:n]] == list(zhclean.STAGES)
    assert [s.stage for s in steps[n:2 * n]] == list(zhclean.STAGES)
    assert steps[-1].after == c.clean(page) == "有一些可能会通过接口来实现。\n"
    for a, b in zip(steps, steps[1:]):
        assert a.after == b.before
    again = steps[n:][list(zhclean.STAGES).index("garbage")]
    assert again.changes == 1 and again.notes == ["garbage: repaired ㄟ^(guò) -> 通過"]
    assert steps[list(zhclean.STAGES).index("garbage")].notes == []


def test_explain_gives_the_cli_hunks(tmp_path):
    """The hunks are `zhclean --explain-format json`'s, field for field."""
    import json
    import os
    import subprocess
    from pathlib import Path

    page = "標題_第1頁\n全文預覽已結束\n推進(jìn)經濟,  發展\n"
    steps = Cleaner().explain(page)
    ruby = next(s for s in steps if s.stage == "ruby")
    assert ruby.hunks and ruby.hunks[0].kind == "change"
    assert ("-", "(jìn)") in ruby.hunks[0].parts
    first = ruby.hunks[0]
    assert (first.line, first.column, first.before, first.after) == (3, 3, "(jìn)", "")
    assert first.context_before == "推進" and not first.cut_before
    assert all(isinstance(n, str) for s in steps for n in s.notes)

    repo = Path(__file__).resolve().parents[2]
    binary = Path(os.environ.get("ZHCLEAN_BIN", repo / "target" / "release" / "zhclean"))
    if not binary.exists():
        pytest.skip(f"no CLI binary at {binary} (run `cargo build --release`)")
    (tmp_path / "p.txt").write_text(page, encoding="utf-8")
    out = subprocess.run(
        [str(binary), "--explain", str(tmp_path / "p.txt"), "--explain-format", "json"],
        capture_output=True, text=True, check=True,
    ).stdout
    cli = {s["stage"]: s for s in json.loads(out)["stages"] if s["enabled"]}
    for step in steps:
        want = cli[step.stage]
        assert step.notes == want["notes"]
        got = [
            {
                "kind": h.kind, "line": h.line, "column": h.column,
                "context_before": h.context_before, "context_after": h.context_after,
                "cut_before": h.cut_before, "cut_after": h.cut_after,
                "parts": [list(p) for p in h.parts], "before": h.before, "after": h.after,
            }
            for h in step.hunks
        ]
        assert got == want["hunks"], step.stage


def test_disabled_stages_are_not_run_or_explained():
    c = Cleaner(disable=["convert"])
    assert "convert" not in [s.stage for s in c.explain(ANNOTATED)]
    assert c.clean(ANNOTATED) == "推進經濟發達鎮\n"


def test_report_counts_per_stage():
    text, report = Cleaner().clean_with_report(ANNOTATED)
    assert text == "推进经济发达镇\n"
    assert list(report["counts"]) == list(zhclean.STAGES)
    assert report["counts"]["ruby"] >= 1 and report["counts"]["convert"] >= 1
    assert report["warnings"] == [] and isinstance(report["notes"], list)


def test_config_as_toml_dict_or_keywords_is_the_same():
    toml = 'disable = ["ruby"]\nspacing = "add"\n[overrides]\n"經濟" = "经纪"\n'
    as_dict = {"disable": ["ruby"], "spacing": "add", "overrides": {"經濟": "经纪"}}
    a, b = Cleaner(toml), Cleaner(as_dict)
    c = Cleaner(disable=["ruby"], spacing="add", overrides={"經濟": "经纪"})
    assert a.config == b.config == c.config == {
        "disable": ["ruby"], "spacing": "add", "overrides": {"經濟": "经纪"}, "sites": [],
    }
    text = "經濟GDP總體"
    assert a.clean(text) == b.clean(text) == c.clean(text) == "经纪 GDP 总体\n"
    # Keywords win over the config.
    assert Cleaner(toml, spacing="remove").config["spacing"] == "remove"


def test_extra_site_rules():
    site = {"name": "test", "min_lines": 1, "head": ["^测试站点头部$"]}
    c = Cleaner(sites=[site])
    assert c.clean("測試站點頭部\n正文") == "正文\n"
    assert Cleaner({"sites": [site]}).config["sites"][0]["name"] == "test"


def test_errors_are_config_errors_with_the_library_messages():
    assert issubclass(ConfigError, ValueError)
    with pytest.raises(ConfigError) as e:
        Cleaner(disable=["nope"])
    assert str(e.value) == (
        'unknown stage "nope" in `disable` (stages: ' + ", ".join(zhclean.STAGES) + ")"
    )
    with pytest.raises(ConfigError, match=r"^invalid TOML config: "):
        Cleaner("spacing = 3")
    with pytest.raises(ConfigError, match="unknown field `spacingx`"):
        Cleaner({"spacingx": "keep"})
    with pytest.raises(ConfigError, match="unknown variant `x`"):
        Cleaner(spacing="x")
    with pytest.raises(ConfigError, match="^site rules: "):
        Cleaner(sites=[{"name": "bad", "head": ["("]}])
    with pytest.raises(TypeError):
        Cleaner(42)
    with pytest.raises(TypeError):
        Cleaner(boilerplate="a key")


def test_pickle_keeps_config_and_boilerplate():
    c = Cleaner(spacing="keep", disable=["ruby"]).with_boilerplate(["本站所有资源均来自网络"])
    d = pickle.loads(pickle.dumps(c))
    assert d.config == c.config and d.boilerplate == c.boilerplate
    text = "標題\n本站所有資源均來自網絡\n正文"
    assert d.clean(text) == c.clean(text) == "标题\n正文\n"
    line = LearnedLine("k", 3, 4)
    assert pickle.loads(pickle.dumps(line)) == line


def test_fingerprint_ignores_mirror_differences():
    c = Cleaner()
    page = "標題\n本站所有資源均來自網絡\n一、總則\n" + "正文很長的一段話，" * 5
    doc, keys, spellings, mid = c.fingerprint(page)
    assert isinstance(doc, int) and 0 <= doc < 2**64
    assert c.fingerprint(page.replace("\n", "\r\n")) == (doc, keys, spellings, mid)
    assert keys == sorted(set(keys))
    assert len(spellings) == len(keys) and mid == []  # a short page is all edges
    assert zhclean.line_key("本站所有资源均来自网络") in keys
    # Structural lines are never counted.
    assert zhclean.line_key("一、总则") not in keys
    assert c.fingerprint_batch([page, "x"]) == [c.fingerprint(page), c.fingerprint("x")]


def _corpus(n_docs, mirrors=1):
    site = ["下載須知：請勿傳播", "本站所有資源均來自網絡"]
    pages = []
    for d in range(n_docs):
        body = f"第{d}篇文檔的正文" + "甲乙丙丁戊己庚辛壬癸"[d % 10] * (20 + d)
        title = "標題" + "甲乙丙丁戊己庚辛壬癸"[d % 10]  # digits would fold to one key
        pages += [title + "\n" + "\n".join(site) + "\n" + body] * mirrors
    return pages


def test_learning_counts_documents_not_pages():
    c = Cleaner()
    # One document saved many times is not a batch of documents: nothing is learned.
    assert c.learn(_corpus(1, mirrors=20)) == []
    learned = c.learn(_corpus(6, mirrors=2))
    assert [l.key for l in learned] == sorted(
        [zhclean.line_key("下载须知：请勿传播"), zhclean.line_key("本站所有资源均来自网络")]
    )
    assert all(l.documents == 6 and l.pages == 12 for l in learned)
    assert c.learn(_corpus(6), min_docs=7) == []
    assert c.learn(_corpus(6), min_share=1.0) == c.learn(_corpus(6))
    cleaned = c.with_boilerplate(learned).clean(_corpus(6)[0])
    assert "本站" not in cleaned and "下载须知" not in cleaned and cleaned.startswith("标题甲\n")


def test_learner_merge_equals_one_learner():
    c = Cleaner()
    pages = _corpus(9, mirrors=2)
    one, left, right = Learner(), Learner(), Learner()
    for i, p in enumerate(pages):
        fp = c.fingerprint(p)
        one.add(*fp)
        (left if i % 2 else right).add(*fp)
    left.merge(right)
    assert right.documents == 0
    assert one.documents == left.documents == 9
    assert one.finish() == left.finish() == c.learn(pages)
    assert one.finish(min_docs=10) == []


def _manual_pages(n):
    """Pages cut from a run of manual pages: the publisher's credit line closes every manual
    page, so it is mid-page on every page and at an edge where a cut falls next to it; the
    site's notice tops every page."""
    credit = "本頁面中文版由中文man手冊頁計劃提供。"
    pages = []
    for i in range(n):
        lines = ["本站文檔均由用戶上傳，僅供學習參考"]
        for j in range(30):
            c = chr(0x4E00 + 40 * i + j)
            lines.append(f"正文{c}{c}，每一行都各不相同，內容各異，也比別的行長")
            if j % 10 == 4:
                lines.append(credit)
        if i % 4 == 0:
            lines.append(credit)
        pages.append("\n".join(lines))
    return pages


def test_lines_often_mid_page_are_held_back():
    c = Cleaner()
    pages = _manual_pages(40)
    learned = c.learn(pages)
    assert [l.key for l in learned] == [zhclean.line_key("本站文档均由用户上传，仅供学习参考")]
    learner = Learner()
    for p in pages:
        learner.add(*c.fingerprint(p))
    assert learner.finish() == learned
    [(held, mid)] = learner.held_back()
    assert held.key == zhclean.line_key("本页面中文版由中文man手册页计划提供。") and mid == 40
    assert zhclean.edge_share_ok(30, 10) and not zhclean.edge_share_ok(10, 40)
    # Without mid-page evidence (old-style `add`), nothing is held back.
    bare = Learner()
    for p in pages:
        doc, keys, _, _ = c.fingerprint(p)
        bare.add(doc, keys)
    assert len(bare.finish()) == 2
    # The sparse sketch reads the same counts.
    mids = [c.fingerprint(p)[3] for p in pages]
    indices, counts = zhclean.mid_counts(mids)
    spelling = next(s for s in mids[0] if all(s in m for m in mids))
    assert min(dict(zip(indices, counts))[i] for i in zhclean.mid_indices(spelling)) >= 40
    counters = dict(zip(indices, counts))
    assert zhclean.mid_pages([spelling], counters) == min(counters[i] for i in zhclean.mid_indices(spelling))


def test_threshold_rule():
    assert zhclean.threshold(3) == 5
    assert zhclean.threshold(1000) == 5
    assert zhclean.threshold(1000, min_docs=5, min_share=0.01) == 10
    assert zhclean.threshold(10, min_docs=0) == 2


def test_learned_file_round_trip():
    lines = [LearnedLine("本站所有资源均来自网络", 64, 300), LearnedLine("已阅读0页", 5, 7)]
    text = zhclean.write_learned(lines)
    assert text.splitlines()[1:] == ["64\t300\t本站所有资源均来自网络", "5\t7\t已阅读0页"]
    assert zhclean.parse_learned(text) == lines
    with pytest.raises(ValueError, match="line 1"):
        zhclean.parse_learned("x\t1\tkey")
