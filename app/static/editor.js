// Live preview and plain-language tips while writing. Everything here also works
// without this script: the "Forhåndsvis" button asks the server for the same.
(function () {
  "use strict";
  var token = document.querySelector('input[name="csrf_token"]');
  var areas = document.querySelectorAll("textarea[data-preview-url]");
  areas.forEach(function (area) {
    var box = document.getElementById(area.id + "-live");
    if (!box || !token) { return; }
    var timer = null;
    var sent = "";
    function show(data) {
      box.textContent = "";
      var heading = document.createElement("h3");
      heading.className = "ds-heading";
      heading.setAttribute("data-size", "2xs");
      heading.textContent = data.preview;
      var body = document.createElement("div");
      body.className = "markdown";
      body.innerHTML = data.html; // sanitised on the server by the same code as every page
      box.appendChild(heading);
      box.appendChild(body);
      if (data.advice.length) {
        var tips = document.createElement("div");
        tips.className = "ds-alert";
        tips.setAttribute("data-color", "info");
        var title = document.createElement("p");
        title.className = "ds-paragraph";
        var strong = document.createElement("strong");
        strong.textContent = data.heading;
        title.appendChild(strong);
        tips.appendChild(title);
        var list = document.createElement("ul");
        data.advice.forEach(function (text) {
          var item = document.createElement("li");
          item.textContent = text;
          list.appendChild(item);
        });
        tips.appendChild(list);
        var note = document.createElement("p");
        note.className = "ds-paragraph";
        note.setAttribute("data-size", "sm");
        note.textContent = data.note;
        tips.appendChild(note);
        box.appendChild(tips);
      }
      box.hidden = area.value.trim() === "";
    }
    function update() {
      if (area.value === sent) { return; }
      sent = area.value;
      var body = new URLSearchParams();
      body.set("text", area.value);
      body.set("csrf_token", token.value);
      fetch(area.getAttribute("data-preview-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token.value },
        body: body
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (data) {
        if (data) { show(data); }
      }).catch(function () { /* the preview button still works */ });
    }
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 600);
    });
    if (area.value.trim() !== "") { update(); }
  });
}());
