#!/usr/bin/env python3
"""Wraps saved text pages in realistic site HTML: wrap.py OUTDIR TEXT_DIR [TEXT_DIR ...]

For every TEXT_DIR/NAME.txt writes OUTDIR/NAME.html (the page inside a generated site) and
OUTDIR/NAME.body.txt (what the page's article holds: its lines, as the scorer's body). The
damage in the text pages (traditional characters, pinyin annotations, byte garbage, template
lines) stays in: the article is the page as the scraper saved it.

Three site layouts, chosen per page from a hash of its name (so the output is the same on
every run), each with the chrome real sites carry around an article:
  modern  HTML5 (header, nav, breadcrumb, article, share bar, prev/next, comment section
          with a form, sidebar widgets, ads, footer, cookie notice, JSON-LD, analytics)
  divs    an older div layout with id/class names (pinyin ones too), `<br>`-separated
          paragraphs with `&nbsp;` indents and entities, GBK-encoded with an http-equiv meta
  tables  a table layout (left column of link lists, content cell, footer table), GB2312
          meta, `<font>` tags
Chrome text is real Chinese (titles and sentences of the other pages, and the usual site
phrases), so chrome that leaks into an output shows in the scorer's chrome share.
"""
import hashlib
import html
import os
import random
import sys

SITES = ["文库网", "文档分享网", "资料下载站", "学习资料网", "办公文档中心", "范文大全"]
MENU = ["首页", "文档分类", "热门文档", "最新上传", "专题", "行业资料", "教育专区", "会员中心", "帮助"]
ADS = [
    "限时优惠！开通会员全站文档免费下载，立即开通享八折",
    "广告：专业论文查重，学生特惠价格，当天出报告",
    "扫码关注公众号，每日推送精选范文与行业报告",
]
FOOTER = [
    "关于我们 | 联系我们 | 免责声明 | 隐私政策 | 网站地图",
    "本站所有文档均由用户上传，仅供学习交流，如有侵权请联系删除。",
    "Copyright © 2024 {site} 版权所有 京ICP备12345678号-1",
]


def esc(s):
    return html.escape(s, quote=True)


def lines_of(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    lines = [l.strip() for l in text.splitlines()]
    return [l for l in lines if l]


def snippets(rng, others, n, lo=12, hi=40):
    """n sentences cut from other pages (chrome made of real text)."""
    out = []
    for _ in range(n):
        lines = rng.choice(others)
        line = rng.choice(lines[1:] or lines)
        start = rng.randrange(max(1, len(line) - lo))
        out.append(line[start:start + rng.randint(lo, hi)])
    return out


def head(title, site, charset, rng):
    return f"""<head>
<meta {charset}>
<title>{esc(title)} - {site}</title>
<meta name="keywords" content="{esc(title)},{site},文档下载">
<meta name="description" content="{esc(title)}，{site}提供免费下载。">
<link rel="stylesheet" href="/static/css/main.css?v={rng.randint(100, 999)}">
<style>body{{font-family:"Microsoft YaHei"}} .ad{{margin:10px}} /* 侧栏广告位 */</style>
<script>var _hmt = _hmt || []; (function() {{ var hm = document.createElement("script");
hm.src = "https://hm.example.com/hm.js?{rng.getrandbits(64):x}"; }})();
var tips = "请登录后再下载文档，登录后可以收藏和评论";</script>
<script type="application/ld+json">{{"@type":"Article","headline":"{esc(title)}","publisher":"{site}"}}</script>
</head>"""


def modern(title, body, site, rng, others):
    menu = "".join(f'<li><a href="/c/{i}.html">{m}</a></li>' for i, m in enumerate(MENU))
    hot = "".join(
        f'<li><a href="/doc/{rng.randint(10**6, 10**7)}.html">{esc(o[0][:30])}</a></li>'
        for o in rng.sample(others, 8)
    )
    comments = "".join(
        f'<div class="comment-item"><span class="user">网友{rng.randint(1000, 9999)}</span>'
        f'<span class="time">2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}</span>'
        f"<p>{esc(c)}</p></div>"
        for c in snippets(rng, others, 3)
    )
    paras = "\n".join(f"<p>{esc(l)}</p>" for l in body)
    prev_t, next_t = (esc(o[0][:30]) for o in rng.sample(others, 2))
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
{head(title, site, 'charset="utf-8"', rng)}
<body>
<div class="top-bar"><a href="/login">登录</a> | <a href="/reg">注册</a> | <a href="/m">手机版</a></div>
<header class="site-header"><a class="logo" href="/">{site}</a>
<nav class="main-nav"><ul>{menu}</ul></nav>
<form class="search" action="/s"><input name="q" placeholder="搜索文档、资料"><button>搜索</button></form>
</header>
<div class="breadcrumb"><a href="/">首页</a> &gt; <a href="/c/2.html">文档分类</a> &gt; <span>{esc(title[:20])}</span></div>
<div class="container">
<main>
<article class="post">
<h1>{esc(title)}</h1>
<div class="post-meta">发布时间：2023-0{rng.randint(1, 9)}-2{rng.randint(0, 9)} 来源：{site} 阅读：{rng.randint(100, 9999)}次</div>
<div class="post-content">
{paras}
</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
<div class="post-nav"><a href="/p">上一篇：{prev_t}</a> <a href="/n">下一篇：{next_t}</a></div>
</article>
<section class="comments"><h3>网友评论（3）</h3>{comments}
<form class="comment-form"><textarea placeholder="说点什么吧"></textarea><button>发表评论</button></form>
</section>
</main>
<aside class="sidebar">
<div class="widget"><h3>热门文档</h3><ul>{hot}</ul></div>
<div class="ad">{rng.choice(ADS)}</div>
</aside>
</div>
<footer class="site-footer">{''.join(f'<p>{esc(f.format(site=site))}</p>' for f in FOOTER)}</footer>
<div class="cookie-notice">本站使用 Cookie 以改善浏览体验，继续浏览即表示同意。<button>知道了</button></div>
<script>document.querySelector(".cookie-notice button").onclick = function() {{ this.parentNode.remove(); }};</script>
</body>
</html>
"""


def divs(title, body, site, rng, others):
    menu = " | ".join(f'<a href="/list_{i}.html">{m}</a>' for i, m in enumerate(MENU))
    hot = "".join(
        f'<li>·<a href="/html/{rng.randint(10**5, 10**6)}.html" title="{esc(o[0][:30])}">{esc(o[0][:16])}</a></li>'
        for o in rng.sample(others, 10)
    )
    # Old editors: &nbsp; indents, <br> between paragraphs, some punctuation as entities.
    paras = "<br>\n".join(
        "&nbsp;&nbsp;&nbsp;&nbsp;" + esc(l).replace("“", "&ldquo;").replace("”", "&rdquo;")
        for l in body
    )
    liuyan = "".join(f"<dd>{esc(c)}</dd>" for c in snippets(rng, others, 2))
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
{head(title, site, 'http-equiv="Content-Type" content="text/html; charset=gbk"', rng)}
<body>
<div id="wrap">
<div id="top"><div class="logo"><img src="/images/logo.gif" alt="{site}"></div>
<div class="toplink"><a href="/">设为首页</a> <a href="/">加入收藏</a></div></div>
<div class="nav">{menu}</div>
<div class="weizhi">当前位置：<a href="/">{site}</a> &gt;&gt; <a href="/list_3.html">热门文档</a> &gt;&gt; 正文</div>
<div id="main">
<div id="main_left">
<div class="title"><h2>{esc(title)}</h2></div>
<div class="info">作者：佚名 &nbsp; 来源：网络 &nbsp; 点击数：{rng.randint(100, 9999)} &nbsp; 更新时间：2022-1{rng.randint(0, 2)}-0{rng.randint(1, 9)}</div>
<div class="wenzhang_neirong">
{paras}
</div>
<div class="fenye">上一篇：<a href="/p.html">{esc(rng.choice(others)[0][:24])}</a><br>下一篇：<a href="/n.html">{esc(rng.choice(others)[0][:24])}</a></div>
<div class="pinglun"><dl><dt>最新留言</dt>{liuyan}</dl></div>
</div>
<div id="main_right">
<div class="box"><div class="box_t">推荐文章</div><ul>{hot}</ul></div>
<div class="guanggao">{rng.choice(ADS)}</div>
</div>
</div>
<div id="foot">{'<br>'.join(esc(f.format(site=site)) for f in FOOTER)}</div>
</div>
<script type="text/javascript">document.write('<a href="/tj">统计</a>');</script>
</body>
</html>
"""


def tables(title, body, site, rng, others):
    left = "".join(
        f'<tr><td height="22">&middot; <a href="/Article/{rng.randint(1000, 9999)}.html"><font color="#333333">{esc(o[0][:14])}</font></a></td></tr>'
        for o in rng.sample(others, 10)
    )
    paras = "\n".join(f"<p>{esc(l)}</p>" for l in body)
    menu = "".join(f'<td align="center"><a href="/Class{i}/"><font color="#FFFFFF">{m}</font></a></td>' for i, m in enumerate(MENU[:7]))
    return f"""<html>
{head(title, site, 'http-equiv="Content-Type" content="text/html; charset=gb2312"', rng)}
<body topmargin="0">
<table width="960" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td><img src="/images/banner.jpg" width="960" height="90" alt="{site}"></td></tr>
<tr><td bgcolor="#1E5AA0"><table width="100%"><tr>{menu}</tr></table></td></tr>
</table>
<table width="960" border="0" align="center" cellpadding="0" cellspacing="0">
<tr>
<td width="220" valign="top">
<table width="100%" border="0"><tr><td><b>栏目导航</b></td></tr>{left}</table>
<table width="100%" border="0"><tr><td><font color="red">{rng.choice(ADS)}</font></td></tr></table>
</td>
<td width="740" valign="top">
<table width="100%" border="0"><tr><td align="center"><font size="4"><b>{esc(title)}</b></font></td></tr>
<tr><td align="center"><font color="#999999">发布时间：2019-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} 浏览次数：{rng.randint(100, 9999)}</font></td></tr>
<tr><td>
{paras}
</td></tr></table>
</td>
</tr>
</table>
<table width="960" border="0" align="center"><tr><td align="center"><font color="#666666">{'<br>'.join(esc(f.format(site=site)) for f in FOOTER)}</font></td></tr></table>
</body>
</html>
"""


def main():
    out, dirs = sys.argv[1], sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    pages = []
    for d in dirs:
        for n in sorted(os.listdir(d)):
            if n.endswith(".txt"):
                lines = lines_of(os.path.join(d, n))
                if len(lines) >= 2:
                    pages.append((n[:-4], lines))
    all_lines = [lines for _, lines in pages]
    for name, lines in pages:
        seed = int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)
        rng = random.Random(seed)
        others = [l for l in all_lines if l is not lines]
        title, body = lines[0], lines[1:]
        site = rng.choice(SITES)
        layout = [modern, divs, tables][seed % 3]
        page = layout(title, body, site, rng, others)
        data = page.encode("utf-8")
        if layout is not modern:
            # Pages written for GBK spell what it lacks as entities.
            page = page.replace("©", "&copy;")
            try:
                data = page.encode("gbk")
            except UnicodeEncodeError:
                # The page has characters GBK lacks: saved as UTF-8 with its meta fixed.
                data = page.replace("charset=gbk", "charset=utf-8").replace("charset=gb2312", "charset=utf-8").encode("utf-8")
        with open(os.path.join(out, name + ".html"), "wb") as f:
            f.write(data)
        with open(os.path.join(out, name + ".body.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    print(f"{len(pages)} pages wrapped into {out}")


if __name__ == "__main__":
    main()
