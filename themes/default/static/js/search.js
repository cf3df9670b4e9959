/* Bản tin search: reads the index bantin/search.py writes, fetching only the files a query
   needs. Folding, hashing and encoding mirror the Python side exactly; tests compare them. */
"use strict";
(function (root) {
  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var PAGE_SIZE = 10;
  var EXCERPT_WORDS = 32;
  // Case folds where Python's str.casefold differs from toLowerCase in Latin scripts.
  var CASEFOLD = { "ß": "ss", "ẞ": "ss", "ſ": "s", "ŉ": "ʼn", "ẚ": "aʾ", "ẛ": "ṡ", "µ": "μ",
    "ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st" };
  var CASEFOLD_RE = /[ßẞſŉẚẛµﬀ-ﬆ]/g;
  // Combining marks (Unicode canonical combining class > 0) of the blocks Latin text uses.
  var MARKS = /[\u0300-\u034e\u0350-\u036f\u0483-\u0487\u0591-\u05bd\u1ab0-\u1abd\u1dc0-\u1dff\u20d0-\u20dc\u20e1\u20e5-\u20f0\ufe20-\ufe2f]/g;
  var TOKEN = /[\p{L}\p{N}]+/gu;
  var WORD = /[\p{L}\p{N}\p{M}]+/gu;

  /* The same as bantin.text.fold: lower case, no diacritics, đ → d, single spaces. */
  function fold(text) {
    var lower = text.replace(CASEFOLD_RE, function (c) { return CASEFOLD[c]; }).toLowerCase();
    var bare = lower.normalize("NFD").replace(/đ/g, "d").replace(MARKS, "");
    return bare.split(/\s+/).filter(Boolean).join(" ");
  }

  /* The same as bantin.search.terms: folded syllables in order. */
  function terms(text) {
    return fold(text).match(TOKEN) || [];
  }

  var CRC_TABLE = (function () {
    var table = [];
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table.push(c >>> 0);
    }
    return table;
  })();

  /* zlib.crc32 of the UTF-8 bytes, as bantin.search.term_hash. */
  function termHash(term) {
    var bytes = new TextEncoder().encode(term), crc = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  }

  function decode(text) {
    var value = 0;
    for (var i = 0; i < text.length; i++) value = value * 64 + DIGITS.indexOf(text[i]);
    return value;
  }

  function encode(value, width) {
    var out = "";
    for (var i = 0; i < width; i++) { out = DIGITS[value % 64] + out; value = Math.floor(value / 64); }
    return out;
  }

  function nextBit(term, bits) {
    return 1 << ((termHash(term) & 0xffff) % bits);
  }

  /* Where a term lives: its shard file and its key there (bantin.search._fragments). */
  function locate(term, manifest) {
    var hash = termHash(term), fileBits = manifest.file_bits, keyBits = manifest.key_bits;
    var file = fileBits ? Math.floor(hash / Math.pow(2, 32 - fileBits)) : 0;
    var key = Math.floor(hash / Math.pow(2, 32 - fileBits - keyBits)) % Math.pow(2, keyBits);
    return { file: file, key: encode(key, Math.ceil(keyBits / 6)) };
  }

  /* Map(id → posting value) of one key in a shard file's text, read without splitting it. */
  function findKey(text, key, manifest) {
    var found = new Map(), idChars = manifest.id_chars, step = key.length + 2;
    var k0 = key.charCodeAt(0), k1 = key.charCodeAt(1), k2 = key.charCodeAt(2);
    for (var start = 0; start < text.length;) {
      var end = text.indexOf("\n", start);
      if (end < 0) end = text.length;
      for (var i = start + idChars; i < end; i += step) {
        if (text.charCodeAt(i) === k0 && text.charCodeAt(i + 1) === k1 &&
            text.charCodeAt(i + 2) === k2) {
          found.set(decode(text.slice(start, start + idChars)),
                    decode(text.slice(i + key.length, i + step)));
          break;
        }
      }
      start = end + 1;
    }
    return found;
  }

  /* What a query asks: syllables, quoted phrases, filters. */
  function parseQuery(text, locality, topic) {
    var phrases = [], match, quoted = /"([^"]*)"/g;
    while ((match = quoted.exec(text))) {
      var phrase = terms(match[1]);
      if (phrase.length > 1) phrases.push(phrase);
    }
    var words = terms(text.replace(/"/g, " "));
    var filters = [];
    if (locality) filters.push("l:" + locality);
    if (topic) filters.push("t:" + topic);
    return { words: words, unique: words.filter(function (w, i) { return words.indexOf(w) === i; }),
             phrases: phrases, filters: filters };
  }

  function Index(baseUrl, fetchText) {
    this.baseUrl = baseUrl;
    this.fetchText = fetchText;
    this.manifest = null;
    this.shards = new Map();
    this.documents = new Map();
  }

  Index.prototype.load = function () {
    if (!this.manifest) {
      this.manifest = this.fetchText(this.baseUrl + "index.json", true).then(JSON.parse);
    }
    return this.manifest;
  };

  Index.prototype.shard = function (number) {
    var self = this;
    if (!this.shards.has(number)) {
      this.shards.set(number, this.load().then(function (manifest) {
        return self.fetchText(self.baseUrl + "s/" + number + ".txt?v=" + manifest.version);
      }));
    }
    return this.shards.get(number);
  };

  Index.prototype.postings = function (term) {
    var self = this;
    return this.load().then(function (manifest) {
      var place = locate(term, manifest);
      return self.shard(place.file).then(function (text) { return findKey(text, place.key, manifest); });
    });
  };

  Index.prototype.document = function (id) {
    var self = this;
    if (!this.documents.has(id)) {
      this.documents.set(id, this.load().then(function (manifest) {
        return self.fetchText(self.baseUrl + "d/" + encode(id, manifest.id_chars) + ".json?v=" +
                              manifest.version).then(JSON.parse);
      }));
    }
    return this.documents.get(id);
  };

  /* Every article matching all words, phrases and filters, best (or newest) first. */
  Index.prototype.search = function (query, order) {
    var self = this;
    var wanted = query.unique.concat(query.filters);
    return this.load().then(function (manifest) {
      return Promise.all(wanted.map(function (t) { return self.postings(t); })).then(function (lists) {
        if (!wanted.length) return [];
        var total = manifest.documents, nextBits = manifest.next_bits;
        var smallest = lists.reduce(function (a, b) { return a.size <= b.size ? a : b; });
        var byTerm = new Map();
        wanted.forEach(function (t, i) { byTerm.set(t, lists[i]); });
        var idf = new Map(), follower = new Map();
        query.unique.forEach(function (w) {
          var size = byTerm.get(w).size;
          idf.set(w, Math.log(1 + (total - size + 0.5) / (size + 0.5)));
          follower.set(w, nextBit(w, nextBits));
        });
        var pairs = [];  // adjacent query syllables: [first's postings, follower bit, bonus]
        for (var p = 0; p + 1 < query.words.length; p++) {
          var a = query.words[p], b = query.words[p + 1];
          pairs.push([byTerm.get(a), follower.get(b), 2 * (idf.get(a) + idf.get(b)) * 15]);
        }
        var phrases = query.phrases.map(function (phrase) {
          return phrase.slice(1).map(function (w, j) { return [byTerm.get(phrase[j]), follower.get(w)]; });
        });
        var results = [];
        smallest.forEach(function (_, id) {
          if (!lists.every(function (list) { return list.has(id); })) return;
          var score = 0;
          query.unique.forEach(function (w) {
            score += idf.get(w) * (byTerm.get(w).get(id) >> nextBits);
          });
          // Adjacent query syllables found adjacent in the article (by the follower filter):
          // the phrase outranks the same syllables apart.
          pairs.forEach(function (pair) { if (pair[0].get(id) & pair[1]) score += pair[2]; });
          var required = phrases.every(function (links) {
            return links.every(function (link) { return link[0].get(id) & link[1]; });
          });
          if (required) results.push({ id: id, score: score });
        });
        results.sort(order === "newest" ? function (a, b) { return b.id - a.id; }
                                         : function (a, b) { return b.score - a.score || b.id - a.id; });
        return results;
      });
    });
  };

  /* Words of a text with their folded forms, for checking matches and highlighting. */
  function words(text) {
    var out = [], match, folded = new Map();
    WORD.lastIndex = 0;
    while ((match = WORD.exec(text))) {
      var word = match[0];
      if (!folded.has(word)) folded.set(word, terms(word).join(""));
      out.push({ start: match.index, end: match.index + word.length, folded: folded.get(word) });
    }
    return out;
  }

  /* Does the document really hold every word and quoted phrase? Keys of different terms can
     meet in one shard; where the text was cut short ("c"), the index is taken at its word. */
  function confirms(doc, query) {
    if (doc.c) return true;
    var fields = [doc.t, doc.s, doc.x].concat(doc.l).map(function (f) { return " " + terms(f).join(" ") + " "; });
    var has = function (words) {
      return fields.some(function (f) { return f.indexOf(" " + words.join(" ") + " ") >= 0; });
    };
    return query.unique.every(function (w) { return has([w]); }) && query.phrases.every(has);
  }

  /* [text, isMatch] pieces of the passage around the best match (or the summary). */
  function excerpt(documentData, query) {
    var wanted = new Set(query.words), best = null;
    [documentData.x, documentData.s].forEach(function (text) {
      var list = words(text);
      for (var i = 0; i < list.length && best === null; i++) {
        if (!wanted.has(list[i].folded)) continue;
        var run = 0;
        while (i + run < list.length && query.words[run] === list[i + run].folded) run++;
        if (run === query.words.length || query.words.length === 1) best = { text: text, list: list, at: i };
      }
      for (i = 0; i < list.length && best === null; i++) {
        if (wanted.has(list[i].folded)) best = { text: text, list: list, at: i };
      }
    });
    if (best === null) {
      var list = words(documentData.s);
      best = { text: documentData.s, list: list, at: 0 };
    }
    var first = Math.max(0, best.at - 8), last = Math.min(best.list.length, first + EXCERPT_WORDS);
    var pieces = [], position = first ? best.list[first].start : 0;
    if (first) pieces.push(["… ", false]);
    for (var k = first; k < last; k++) {
      var w = best.list[k];
      if (w.start > position) pieces.push([best.text.slice(position, w.start), false]);
      pieces.push([best.text.slice(w.start, w.end), wanted.has(w.folded)]);
      position = w.end;
    }
    var end = last < best.list.length ? best.list[last - 1].end : best.text.length;
    if (end > position) pieces.push([best.text.slice(position, end), false]);
    if (last < best.list.length) pieces.push([" …", false]);
    return pieces;
  }

  /* "2024-07-04" in a CLDR pattern of the theme (d, dd, M, MM, MMM, yyyy). */
  function formatDate(iso, pattern) {
    var parts = iso.split("-"), date = new Date(Date.UTC(+parts[0], +parts[1] - 1, +parts[2]));
    var lang = document.documentElement.lang;
    return pattern.replace(/'([^']*)'|yyyy|MMM|MM|M|dd|d/g, function (token, literal) {
      if (literal !== undefined) return literal;
      if (token === "yyyy") return parts[0];
      if (token === "MMM") return new Intl.DateTimeFormat(lang, { month: "short", timeZone: "UTC" }).format(date);
      if (token === "MM") return parts[1];
      if (token === "M") return String(+parts[1]);
      if (token === "dd") return parts[2];
      return String(+parts[2]);
    });
  }

  /* The search page: the form, the results, and the URL kept in step with both. */
  function Page(form) {
    this.form = form;
    this.status = document.getElementById("search-status");
    this.list = document.getElementById("search-results");
    this.more = document.getElementById("search-more");
    this.index = new Index(form.getAttribute("data-index"), function (url, fresh) {
      return fetch(url, fresh ? { cache: "no-cache" } : {}).then(function (response) {
        if (!response.ok) throw new Error(url + ": " + response.status);
        return response.text();
      });
    });
    this.strings = JSON.parse(document.getElementById("search-strings").textContent);
    this.run = 0;
    var self = this, timer = null;
    form.addEventListener("submit", function (event) { event.preventDefault(); self.update(true); });
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { self.update(false); }, 200);
    });
    form.addEventListener("change", function () { self.update(false); });
    this.more.addEventListener("click", function () { self.showMore(); });
    var params = new URLSearchParams(location.search);
    ["q", "l", "t", "sort"].forEach(function (name) {
      if (params.has(name) && form.elements[name]) form.elements[name].value = params.get(name);
    });
    this.update(false);
  }

  Page.prototype.say = function (key, values) {
    var text = this.strings[values && values.count === 1 ? key + "_one" : key] || this.strings[key];
    return text.replace(/\{(\w+)\}/g, function (_, name) {
      return values[name].toLocaleString(document.documentElement.lang);
    });
  };

  Page.prototype.update = function (isSubmit) {
    var form = this.form, self = this, run = ++this.run;
    var text = form.elements.q.value, locality = form.elements.l.value, topic = form.elements.t.value;
    var params = new URLSearchParams();
    if (text) params.set("q", text);
    if (locality) params.set("l", locality);
    if (topic) params.set("t", topic);
    if (form.elements.sort.value !== "relevance") params.set("sort", form.elements.sort.value);
    var search = params.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
    var query = parseQuery(text, locality, topic);
    this.list.textContent = "";
    this.more.hidden = true;
    if (!query.words.length && !query.filters.length) {
      this.status.textContent = this.say("search_prompt");
      return;
    }
    this.status.textContent = this.say("search_searching");
    this.index.search(query, form.elements.sort.value).then(function (results) {
      if (run !== self.run) return;
      self.query = query;
      self.results = results;
      self.shown = 0;
      self.rejected = 0;
      self.showMore();
    }).catch(function (error) {
      if (run === self.run) self.status.textContent = self.say("search_failed");
      throw error;
    });
  };

  Page.prototype.showMore = function () {
    var self = this, run = this.run, query = this.query;
    var batch = this.results.slice(this.shown, this.shown + PAGE_SIZE);
    this.shown += batch.length;
    Promise.all(batch.map(function (r) { return self.index.document(r.id); })).then(function (docs) {
      if (run !== self.run) return;
      docs.forEach(function (doc) {
        if (!confirms(doc, query)) { self.rejected++; return; }
        self.list.appendChild(self.render(doc, query));
      });
      var count = self.results.length - self.rejected;
      if (!count) {
        self.status.textContent = self.say(query.filters.length ? "search_none_filtered" : "search_none");
      } else {
        self.status.textContent = self.say("search_count", { count: count });
      }
      self.more.hidden = self.shown >= self.results.length;
    });
  };

  Page.prototype.render = function (doc, query) {
    var item = document.createElement("li"), article = document.createElement("article");
    item.className = "article-card";
    var heading = document.createElement("h2"), link = document.createElement("a");
    heading.className = "card-title";
    link.href = this.form.getAttribute("data-base") + doc.u;
    link.textContent = doc.t;
    heading.appendChild(link);
    var meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = [formatDate(doc.d, this.strings.date_pattern)].concat(doc.l.length ? [doc.l.join(", ")] : []).join(" · ");
    var summary = document.createElement("p");
    summary.className = "summary";
    excerpt(doc, query).forEach(function (piece) {
      if (piece[1]) {
        var mark = document.createElement("mark");
        mark.textContent = piece[0];
        summary.appendChild(mark);
      } else {
        summary.appendChild(document.createTextNode(piece[0]));
      }
    });
    article.append(heading, meta, summary);
    item.appendChild(article);
    return item;
  };

  var api = { fold: fold, terms: terms, termHash: termHash, encode: encode, decode: decode,
              locate: locate, parseQuery: parseQuery, Index: Index, excerpt: excerpt };
  root.BantinSearch = api;
  if (typeof document !== "undefined") {
    var start = function () {
      var form = document.getElementById("search-form");
      if (form && form.hasAttribute("data-index")) new Page(form);
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})(typeof window !== "undefined" ? window : globalThis);
