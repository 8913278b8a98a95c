"""Invented pages that exercise every rule of a line's statistics (plain, markdown, CJK,
Indic, astral and control characters, NUL and the other low control characters, an HTML
page), for the saved-features test (tests/saved_features.py)."""

from linesift.html import read_html

PLAIN = [
    "Home", "Home", "News | Sport | Weather", "  indented text\twith a tab  ", "", "   ",
    "The council met on 12 March 2019 at 10:30 and agreed the budget.",
    "© 2020 Example Ltd. All rights reserved.", "Read more", "read more!", "Share this article",
    "(AP Photo/Jane Doe)", "Photo: Getty Images", "photographs by John", "Credit: someone",
    "Sign in", "Log In", "Privacy Policy · Terms of Use » Contact / About - Help",
    "one two three four", "one two three four five", "a b c d e f g h i j k l",
    "a b c d e f g h i j k l m", "Title Case Words Everywhere Here", "ends with a colon:",
    "«quoted»", "It said “hello”", "ǅ titlecase and ΣΑΣ ΟΔΟΣ greek final sigma Σ.",
    "İstanbul lower-cases longer", "emoji 😀 and astral 𝒜𝒷𝒸 letters", "ﬁ ligature ß straße",
    "control\x1cchars\x1fhere\x0bvertical\x0cfeed", "nbsp\xa0inside and\u2003em space",
    "x" * 2100 + " | long | line", "2019", "12:30", "1999 – 2024", "0 comments", "Menu",
]
MARKDOWN = [
    "# Title of the page", "## Section", "####### seven hashes", "#nospace heading",
    "* [Home](http://a.com)", "- [News](/news \"The news\")", "+ item", "1. first", "12) twelfth",
    "1234. not a list", "*     * Log In", "• bullet", "· middle dot", "* ", "-",
    "> quoted text", ">> nested > quote", "| a | b |", "|---|---|", "cell |",
    "![alt text](img.png) caption", "[![inner img](i.png) linked](http://b.com/x_(y))",
    "Text with [a link](http://x.com) and [another](http://y.com) here.",
    "see http://example.com/path?q=1 and www.example.org now", "lynx ref[12] and [3] here",
    "**bold** and __under__ and `code`", "_single_ *star*", "[unclosed link(", "](odd",
    "\t\tdeep tab indent [x](y)", "    * nested list [Sign in](/login)",
    "# [Linked heading](http://h.com)", "www.only.com", "a://b", "[1][2][3]",
    "### 中文标题", "- 日本語のメニュー", "[中文链接](http://c.cn) 更多",
    "ह के साथ हिन्दी पाठ", "ขอบคุณ ภาษาไทย", "mixed 中文 and English 123 words",
    "Home", "Home", "*Home*", "# Home",
]
CJK = [
    "这是一段很长的中文内容，用于测试字符被当作单词计数。", "首页", "首页", "新闻 | 体育 | 天气",
    "日本語の文章です。ニュースを読む", "한국어 문장입니다", "版权所有 © 2021", "登录",
    "2020年12月31日 10:30", "混合 text 和 English",
]
HTML = """<html><head><title>t</title></head><body>
<nav class="main-nav menu"><ul><li class="item"><a href="/">Home</a></li><li class="item"><a href="/n">News</a></li>
<li class="item"><a href="/s">Sport</a></li></ul></nav>
<div id="content" class="article-body"><h1>A headline of the page</h1>
<p class="byline">By <a href="/a">Jane Doe</a> | 12 March 2019 10:30</p>
<p>First paragraph of the story, with <a href="/x">a link</a> and <b>bold</b> text.</p>
<blockquote><p>A quoted passage.</p></blockquote>
<table><tr><td>cell one</td><th>head</th></tr></table>
<h3>Sub heading</h3><p>中文段落内容。</p><p>Home</p>
<div class="card"><p>Card one</p></div><div class="card"><p>Card two</p></div><div class="card"><p>Card three</p></div>
</div><footer class="site-footer"><p>© 2020 Example. All rights reserved.</p><p>Privacy · Terms</p></footer>
</body></html>"""


def pages():
    html_page = read_html(HTML.encode())
    return [PLAIN, MARKDOWN, CJK, ["", "  "], [], html_page, PLAIN[::-1] + MARKDOWN[::3],
            [PLAIN[0], "a\x00b", "link [x\x02](y)", "Home"]]   # NUL and control characters inside markup
