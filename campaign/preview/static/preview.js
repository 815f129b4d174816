// campaign preview: lays the letter out on page-sized sheets like the printed
// letter, and reloads the page when the server says the letter was recomposed.
// Served by campaign/preview.py, which puts the settings in #campaign-preview.
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("campaign-preview").textContent);
  const scrollKey = "campaign-preview-scroll:" + config.slug;

  function element(tag, className, text) {
    const made = document.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  }

  function mm(value) {
    return value + "mm";
  }

  // --- Paginating ---------------------------------------------------------------

  // Sheets of paper, each with its page area (the paper inside the margins).
  function Book(container) {
    const [width, height] = config.paper;
    const [top, right, bottom, left] = config.margin;
    const sheets = [];

    this.sheets = sheets;
    this.add = function () {
      const sheet = element("div", "preview-sheet");
      sheet.style.width = mm(width);
      sheet.style.height = mm(height);
      // Page 1 starts higher, as @page :first has it, for the letterhead and window.
      const areaTop = sheets.length === 0 ? config.firstTop : top;
      const area = element("div", "preview-area");
      area.style.top = mm(areaTop);
      area.style.left = mm(left);
      area.style.width = mm(width - left - right);
      area.style.height = mm(height - areaTop - bottom);
      sheet.appendChild(area);
      container.appendChild(sheet);
      sheets.push({ sheet: sheet, area: area });
      return area;
    };
  }

  function isFlow(node) {
    if (node.nodeType === Node.TEXT_NODE) return node.textContent.trim() !== "";
    return node.nodeType === Node.ELEMENT_NODE && !node.classList.contains("preview-fixed");
  }

  // Whether anything of the letter's flow comes before `node` on its sheet; if
  // nothing does, moving it to the next sheet cannot help.
  function hasFlowBefore(node) {
    for (let at = node; at && !at.classList?.contains("preview-area"); at = at.parentNode) {
      for (let before = at.previousSibling; before; before = before.previousSibling) {
        if (isFlow(before)) return true;
      }
    }
    return false;
  }

  function areaOf(node) {
    return (node.nodeType === Node.ELEMENT_NODE ? node : node.parentNode).closest(".preview-area");
  }

  function fits(node) {
    let rect;
    if (node.nodeType === Node.ELEMENT_NODE) {
      rect = node.getBoundingClientRect();
    } else {
      const range = document.createRange();
      range.selectNodeContents(node);
      rect = range.getBoundingClientRect();
    }
    return rect.bottom <= areaOf(node).getBoundingClientRect().bottom + 0.5;
  }

  // An element is split between sheets at its children when they are all blocks
  // (paragraphs, list items, signatories, cc entries); a paragraph is never split.
  function splittable(node) {
    let blocks = 0;
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE && child.textContent.trim()) return false;
      if (child.nodeType !== Node.ELEMENT_NODE) continue;
      const display = getComputedStyle(child).display;
      if (display.startsWith("inline") || display === "contents") return false;
      blocks += 1;
    }
    return blocks > 0;
  }

  function Paginator(book) {
    // The rest of an element split between sheets: the same element, empty, on the
    // next sheet; its top margin belongs to the part on the sheet before.
    function continuation(original) {
      const copy = original.cloneNode(false);
      copy.removeAttribute("id");
      copy.classList.add("preview-continued");
      original.classList.add("preview-split");
      if (original.tagName === "OL") {
        const start = Number(original.getAttribute("start") || 1);
        copy.setAttribute("start", start + original.querySelectorAll(":scope > li").length);
      }
      return copy;
    }

    // Elements emptied because everything in them moved on are left out.
    function dropEmptyShells(area) {
      for (const shell of Array.from(area.querySelectorAll(".preview-split")).reverse()) {
        if (!Array.from(shell.childNodes).some(isFlow)) shell.remove();
      }
    }

    function lastPlaced(area) {
      let last = area.lastElementChild;
      while (last && last.classList.contains("preview-split") && last.lastElementChild) {
        last = last.lastElementChild;
      }
      return last && !last.classList.contains("preview-fixed") ? last : null;
    }

    // Moves `node` (a child of `container`) to a new sheet, inside copies of the
    // elements it was in; returns the copy of `container` that now holds it.
    function moveToNewSheet(node, container) {
      const oldArea = areaOf(container);
      const chain = [];
      for (let at = container; at !== oldArea; at = at.parentNode) chain.unshift(at);
      node.remove();
      const area = book.add();
      const copies = new Map([[oldArea, area]]);
      let parent = area;
      for (const original of chain) {
        const copy = continuation(original);
        parent.appendChild(copy);
        copies.set(original, copy);
        parent = copy;
      }
      parent.appendChild(node);
      dropEmptyShells(oldArea);
      // A heading (break-after: avoid) does not end a sheet: it goes with what follows.
      for (;;) {
        const last = lastPlaced(oldArea);
        if (!last || getComputedStyle(last).breakAfter !== "avoid" || !hasFlowBefore(last)) break;
        const into = copies.get(last.parentNode);
        if (!into) break;
        into.insertBefore(last, into.firstChild);
        dropEmptyShells(oldArea);
      }
      return parent;
    }

    // Appends `node` to `container` on the current sheet, or to a later sheet when
    // it does not fit; returns the element the next sibling goes into (`container`
    // or its copy on a later sheet).
    this.place = function place(node, container) {
      container.appendChild(node);
      if (node.nodeType !== Node.ELEMENT_NODE) return container;
      const style = getComputedStyle(node);
      if (style.breakBefore === "page" && hasFlowBefore(node)) {
        container = moveToNewSheet(node, container);
      }
      if (fits(node)) return container;
      if (style.breakInside === "avoid" && hasFlowBefore(node)) {
        // Kept whole on the next sheet if it fits there; split there if not.
        container = moveToNewSheet(node, container);
        if (fits(node)) return container;
      }
      if (splittable(node)) {
        const children = Array.from(node.childNodes);
        children.forEach((child) => child.remove());
        let into = node;
        for (const child of children) into = place(child, into);
        return into.parentNode;
      }
      if (hasFlowBefore(node)) return moveToNewSheet(node, container);
      return container; // taller than a page on its own: it overflows, as it would in print
    };
  }

  // Running title top left and "Page N of M" at the foot, from page 2 on, as the
  // letter's @page rules print them; a copy's mark top right on every page.
  function decorate(book, running, mark) {
    const [, , bottom, left] = config.margin;
    const [, height] = config.paper;
    const total = book.sheets.length;
    book.sheets.forEach(({ sheet }, index) => {
      if (mark) {
        const corner = element("div", "preview-margin-box preview-top-right");
        corner.style.height = mm(config.margin[0]);
        corner.style.right = mm(config.margin[1]);
        corner.appendChild(mark.cloneNode(true));
        sheet.insertBefore(corner, sheet.firstChild);
      }
      if (index === 0) return;
      if (running) {
        const head = element("div", "preview-margin-box preview-top-left");
        head.style.height = mm(config.margin[0]);
        head.style.left = mm(left);
        head.appendChild(running.cloneNode(true));
        sheet.insertBefore(head, sheet.firstChild); // read before the page's text
      }
      const label = config.pageOf.replace("{pages}", total).replace("{page}", index + 1);
      const foot = element("div", "preview-margin-box preview-page-number", label);
      foot.style.top = mm(height - bottom);
      foot.style.height = mm(bottom);
      sheet.appendChild(foot);
    });
    // The envelope window, placed like the letter's .window: in page 1's page area.
    const w = config.window;
    const outline = element("div", "preview-window");
    Object.assign(outline.style, {
      left: mm(w.left),
      top: mm(w.top),
      width: mm(w.width),
      height: mm(w.height),
    });
    outline.appendChild(element("span", "preview-window-label", config.windowLabel));
    book.sheets[0].area.appendChild(outline);
  }

  function paginate() {
    const body = document.body;
    const running = body.querySelector(":scope > .running-title");
    const mark = body.querySelector(":scope > .copy-mark");
    const fixed = [];
    const flow = [];
    for (const node of Array.from(body.childNodes)) {
      if (node === running || node === mark || node.nodeName === "SCRIPT") continue;
      if (node.nodeType === Node.ELEMENT_NODE) {
        const position = getComputedStyle(node).position;
        (position === "absolute" || position === "fixed" ? fixed : flow).push(node);
      } else if (isFlow(node)) {
        flow.push(node);
      }
    }
    const pages = element("div", "preview-pages");
    body.insertBefore(pages, body.firstChild);
    const book = new Book(pages);
    const first = book.add();
    // Page 1's page area is the containing block of the letterhead, window, date
    // and marks, as it is in the PDF.
    for (const node of fixed) {
      node.classList.add("preview-fixed");
      first.appendChild(node);
    }
    const paginator = new Paginator(book);
    let container = first;
    for (const node of flow) container = paginator.place(node, container);
    decorate(book, running, mark);
    return book.sheets.length;
  }

  // --- Around the letter ------------------------------------------------------------

  function toolbar(pages) {
    const bar = element("div", "preview-toolbar");
    let text = "campaign preview · " + config.slug;
    if (config.mode === "html") {
      text += " · " + pages + (pages === 1 ? " page" : " pages");
      text += " · laid out by the browser, close to the PDF (--pdf shows the PDF itself)";
    } else if (config.mode === "pdf") {
      text += " · the PDF as built";
    }
    bar.appendChild(element("span", "preview-title", text));
    if (config.warnings.length) {
      const details = element("details", "preview-warnings");
      const count = config.warnings.length;
      details.appendChild(element("summary", "", count + (count === 1 ? " warning" : " warnings")));
      for (const line of config.warnings) details.appendChild(element("div", "", line));
      bar.appendChild(details);
    }
    document.body.appendChild(bar);
  }

  // Poll the version; a new one means the letter was recomposed (or broke, or was fixed).
  function watch() {
    function poll() {
      fetch("/version", { cache: "no-store" })
        .then((response) => (response.ok ? response.text() : null))
        .then((version) => {
          if (version !== null && version.trim() !== String(config.version)) {
            sessionStorage.setItem(scrollKey, String(window.scrollY));
            window.location.reload();
          } else {
            setTimeout(poll, 400);
          }
        })
        // Stopped or restarting: keep asking, the page reloads once it answers.
        .catch(() => setTimeout(poll, 1000));
    }
    setTimeout(poll, 400);
  }

  function start() {
    let pages = 0;
    if (config.mode === "html") pages = paginate();
    toolbar(pages);
    const scrolled = sessionStorage.getItem(scrollKey);
    if (scrolled !== null) {
      sessionStorage.removeItem(scrollKey);
      window.scrollTo(0, Number(scrolled));
    }
    document.documentElement.dataset.previewPages = String(pages);
    document.documentElement.dataset.previewVersion = String(config.version);
    watch();
  }

  // Measuring needs the letter's fonts; laid out before they load, lines would differ.
  document.fonts.ready.then(start);
})();
