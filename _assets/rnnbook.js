// The book's own page behaviour (loaded on every page, deferred). See _ext/reader.py
// and _ext/bilingual.py for the build-time half.
(function () {
  "use strict";
  const lang = document.documentElement.lang === "ko" ? "ko" : "en";
  const POSITION = /^s(-[0-9]+)+$/;

  // sphinx-copybutton has no Korean messages. Its script (loaded before this deferred one)
  // keeps them in the global bindings `messages`, `locale`, `iconCopy` and `iconCheck`, and
  // makes its buttons at DOMContentLoaded, after this runs: add Korean and select it.
  if (lang === "ko" && typeof messages === "object" && typeof locale === "string" && !messages.ko) {
    const en = messages.en;
    messages.ko = { copy: "복사", copy_to_clipboard: "클립보드로 복사",
                    copy_success: "복사했다", copy_failure: "복사하지 못했다" };
    locale = "ko";  // eslint-disable-line no-global-assign
    if (typeof iconCopy === "string") iconCopy = iconCopy.replace(en.copy_to_clipboard, messages.ko.copy_to_clipboard);
    if (typeof iconCheck === "string") iconCheck = iconCheck.replace(en.copy_success, messages.ko.copy_success);
  }

  // Language link: carry the position id of the section in view (s-2-3 names the
  // same section in both twins), so the reader lands where they were reading.
  function sectionInView() {
    const header = document.querySelector(".bd-header-article");
    const line = (header ? header.getBoundingClientRect().bottom : 0) + 16;
    let current = null;
    for (const el of document.querySelectorAll(".bd-article [id^='s-']")) {
      if (!POSITION.test(el.id)) continue;
      const target = el.tagName === "SECTION" ? el : (el.closest("section") || el);
      if (target.getBoundingClientRect().top <= line) current = el.id;
      else break;
    }
    return current;
  }
  function updateTwinLinks() {
    const id = sectionInView();
    for (const a of document.querySelectorAll("a.rnnbook-twin")) {
      const base = a.getAttribute("href").split("#")[0];
      a.setAttribute("href", id ? `${base}#${id}` : base);
    }
  }
  let pending = false;
  window.addEventListener("scroll", () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; updateTwinLinks(); });
  }, { passive: true });
  for (const ev of ["pointerdown", "focusin", "keydown"]) {
    document.addEventListener(ev, (e) => {
      if (e.target.closest && e.target.closest("a.rnnbook-twin")) updateTwinLinks();
    }, true);
  }

  // Each language searches from its own search page (search-ko.html has Korean words).
  if (lang === "ko") {
    for (const form of document.querySelectorAll("form.bd-search")) {
      form.setAttribute("action", form.getAttribute("action").replace(/search\.html$/, "search-ko.html"));
    }
  }

  // Wide outputs, code and tables scroll inside their own box; show that there is more.
  const SCROLLERS = ".bd-article pre, .bd-article .cell_output .output, .bd-article .pst-scrollable-table-container, "
    + ".bd-article mjx-container[display='true'], .bd-article mjx-container.rnnbook-wide-inline";
  function markScrollers() {
    // MathJax 3 does not break lines: an inline formula wider than its paragraph scrolls.
    for (const m of document.querySelectorAll(".bd-article mjx-container:not([display='true'])")) {
      const host = m.parentElement && m.parentElement.closest("p, li, td, dd, div");
      if (!host) continue;
      m.classList.remove("rnnbook-wide-inline");
      if (m.getBoundingClientRect().width > host.clientWidth) m.classList.add("rnnbook-wide-inline");
    }
    for (const el of document.querySelectorAll(SCROLLERS)) {
      const more = el.scrollWidth - el.clientWidth > 1;
      el.classList.toggle("rnnbook-scrolls", more);
      el.classList.toggle("rnnbook-more-right", more && el.scrollLeft + el.clientWidth < el.scrollWidth - 1);
      el.classList.toggle("rnnbook-more-left", more && el.scrollLeft > 1);
      if (more && !el.dataset.rnnbookScroll) {
        el.dataset.rnnbookScroll = "1";
        if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "0");
        el.addEventListener("scroll", () => {
          el.classList.toggle("rnnbook-more-right", el.scrollLeft + el.clientWidth < el.scrollWidth - 1);
          el.classList.toggle("rnnbook-more-left", el.scrollLeft > 1);
        }, { passive: true });
      }
    }
  }

  function ready() {
    updateTwinLinks();
    markScrollers();
    window.addEventListener("resize", markScrollers);
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(markScrollers);
    }
    for (const d of document.querySelectorAll("details")) d.addEventListener("toggle", markScrollers);
    // The expression explorer re-renders every equation once its speech rules are loaded,
    // after start-up, which drops the classes set above: mark again whenever MathJax
    // replaces equations (at most once per frame).
    const article = document.querySelector(".bd-article");
    if (article && window.MutationObserver) {
      let queued = false;
      new MutationObserver((changes) => {
        if (queued || !changes.some((c) => [...c.addedNodes].some(
          (n) => n.nodeType === 1 && (n.matches("mjx-container") || n.querySelector("mjx-container"))))) return;
        queued = true;
        requestAnimationFrame(() => { queued = false; markScrollers(); });
      }).observe(article, { childList: true, subtree: true });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
  window.addEventListener("load", markScrollers);
})();

// Search pages (search.html, search-ko.html): results in the page's language come
// first, every result says its language, and snippets show maths as text, not TeX.
(function () {
  "use strict";
  if (!document.getElementById("search-results") || typeof Search === "undefined") return;
  const lang = document.documentElement.lang === "ko" ? "ko" : "en";
  const NAMES = { ko: "한국어", en: "English" };
  const SYMBOLS = {
    alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", eta: "η", theta: "θ", lambda: "λ",
    mu: "μ", sigma: "σ", tau: "τ", phi: "φ", Sigma: "Σ", Delta: "Δ", odot: "⊙", cdot: "·", times: "×",
    partial: "∂", nabla: "∇", sum: "Σ", prod: "Π", top: "ᵀ", in: "∈", le: "≤", leq: "≤", ge: "≥", geq: "≥",
    approx: "≈", ne: "≠", neq: "≠", to: "→", rightarrow: "→", leftarrow: "←", mapsto: "↦", infty: "∞",
    ldots: "…", dots: "…", cdots: "⋯", pm: "±", lVert: "‖", rVert: "‖", Vert: "‖", "|": "‖", ell: "ℓ",
    tanh: "tanh", exp: "exp", log: "log", max: "max", min: "min",
  };
  function texToText(tex) {
    let t = tex.replace(/^\\[(\[]|\\[)\]]$/g, "").trim();
    t = t.replace(/\\(?:mathrm|mathbf|mathit|text|operatorname|boldsymbol)\{([^{}]*)\}/g, "$1");
    for (let i = 0; i < 3; i++) t = t.replace(/\\frac\{([^{}]*)\}\{([^{}]*)\}/g, "($1)/($2)");
    t = t.replace(/\\tag\{([^{}]*)\}/g, " ($1)");
    t = t.replace(/\\(left|right|big|Big|bigg|Bigg)\b\\?/g, "");
    t = t.replace(/\\([A-Za-z]+|\|)/g, (m, name) => (name in SYMBOLS ? SYMBOLS[name] : ""));
    t = t.replace(/([_^])\{([^{}]*)\}/g, (m, op, body) => op + (body.length > 1 ? `(${body})` : body));
    t = t.replace(/\\[,;:! ]/g, " ").replace(/[{}]/g, "").replace(/&/g, " ").replace(/\\\\/g, "; ");
    return t.replace(/\s+/g, " ").trim();
  }
  const toText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll(".math").forEach((m) => { m.textContent = texToText(m.textContent); });
    return toText(doc.documentElement.outerHTML, anchor);
  };
  if (typeof Scorer !== "undefined") {
    const own = Scorer.score;
    Scorer.score = (result) => (own ? own(result) : result[4]) + (result[0].startsWith(`chapters/${lang}/`) ? 1000 : 0);
  }
  function mark(li) {
    const a = li.querySelector("a");
    const m = a && a.getAttribute("href").match(/chapters\/(ko|en)\//);
    if (!m || li.querySelector(".rnnbook-result-lang")) return;
    li.lang = m[1];
    const badge = document.createElement("span");
    badge.className = "rnnbook-result-lang";
    badge.textContent = NAMES[m[1]];
    li.insertBefore(badge, li.firstChild);
  }
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) if (n.tagName === "LI") mark(n);
  }).observe(document.getElementById("search-results"), { childList: true, subtree: true });
})();
