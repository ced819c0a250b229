// Small enhancements of the staff pages; every page works without this file (the server
// checks everything again and is the judge).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // --- GB 11643-1999 resident ID number: the same rule as xinfang/core/identity.py --------
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK = "10X98765432";
  var MSG_FORMAT = "身份证号应为18位：前17位数字，最后一位为数字或X。";
  var MSG_BIRTH = "身份证号中的出生日期无效。";
  var MSG_CHECK = "身份证号校验位不正确，请核对。";

  function idNumberProblem(value) {
    var v = value.trim().toUpperCase();
    if (!/^\d{17}[\dX]$/.test(v)) return MSG_FORMAT;
    var y = +v.slice(6, 10), m = +v.slice(10, 12), d = +v.slice(12, 14);
    var date = new Date(Date.UTC(y, m - 1, d));
    if (y < 1 || m < 1 || m > 12 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 ||
        date.getUTCDate() !== d) return MSG_BIRTH;
    var total = 0;
    for (var i = 0; i < 17; i++) total += (+v[i]) * WEIGHTS[i];
    return CHECK[total % 11] === v[17] ? null : MSG_CHECK;
  }
  window.xinfangIdNumberProblem = idNumberProblem;

  function idNumberShow(input, final) {
    var out = document.getElementById(input.getAttribute("aria-describedby"));
    if (!out) return;
    var v = input.value.trim();
    var problem = null, text = "";
    if (v === "") {
      text = "";
    } else if (v.length < 18 && /^\d*$/.test(v) && !final) {
      text = "已输入 " + v.length + "/18 位";
    } else {
      problem = idNumberProblem(v);
      text = problem || "✓ 校验通过";
    }
    out.textContent = text;
    out.className = "id-check" + (problem ? " bad" : v.length === 18 ? " good" : "");
    if (problem) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
  }

  document.addEventListener("input", function (e) {
    if (e.target.matches && e.target.matches("[data-id-number]")) idNumberShow(e.target, false);
  });
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("[data-id-number]")) idNumberShow(e.target, true);
  });

  // --- collective visit: representatives only from 5 people (信访工作条例第20条) -------------
  function collectiveSync(form) {
    var from = +form.getAttribute("data-collective-from") || 5;
    var count = parseInt((form.elements.person_count || {}).value, 10) || 0;
    var show = count >= from;
    form.querySelectorAll("[data-collective]").forEach(function (el) {
      el.hidden = !show;
      // A hidden representative box must not be sent ticked.
      el.querySelectorAll("input").forEach(function (i) { i.disabled = !show; });
    });
  }

  // --- 现场办结 on the registration form: its inputs shown only when the box is ticked -------
  function onSpotSync(form) {
    var box = form.querySelector("[data-on-spot-toggle]");
    var inputs = form.querySelector("[data-on-spot-fields]");
    if (!box || !inputs) return;
    inputs.hidden = !box.checked;
    var button = form.querySelector("button[type=submit][data-label-on-spot]");
    if (button) {
      if (!button.hasAttribute("data-label-plain")) {
        button.setAttribute("data-label-plain", button.textContent.replace(/并办结$/, ""));
      }
      button.textContent = box.checked ? button.getAttribute("data-label-on-spot")
        : button.getAttribute("data-label-plain");
    }
  }

  // --- a form typed at a reception window ---------------------------------------------------
  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return !el.disabled && el.type !== "hidden" && el.offsetParent !== null &&
        el.tagName !== "FIELDSET" && el.tabIndex >= 0;
    });
  }

  document.addEventListener("keydown", function (e) {
    var form = e.target.form;
    if (!form || !form.hasAttribute("data-enter-advances") || e.key !== "Enter" || e.isComposing) return;
    if (e.ctrlKey || e.metaKey) {          // Ctrl+Enter: 登记
      e.preventDefault();
      form.requestSubmit();
      return;
    }
    var tag = e.target.tagName, type = e.target.type;
    // Enter in a textarea is a new line; on a button it presses it. Elsewhere it must not
    // send a half-typed form: it moves on to the next field, as on a paper form.
    if (tag === "TEXTAREA" || tag === "BUTTON" || type === "submit") return;
    e.preventDefault();
    var list = fields(form), i = list.indexOf(e.target);
    if (i >= 0 && i + 1 < list.length) list[i + 1].focus();
  });

  // --- access keys (Alt+S 登记, Alt+P 打印回执, Alt+N 登记下一件) the same in every browser -----
  document.addEventListener("keydown", function (e) {
    if (!e.altKey || e.ctrlKey || e.metaKey || !e.key || e.key.length !== 1) return;
    var key = e.key.toLowerCase();
    var target = Array.prototype.find.call(document.querySelectorAll("[accesskey]"), function (el) {
      return el.getAttribute("accesskey").toLowerCase() === key && !el.hidden && el.offsetParent !== null;
    });
    if (!target) return;
    e.preventDefault();
    target.focus();
    target.click();
  });

  // --- suggestions in fragments: <button data-fill="category_id" data-value="12"> --------
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-fill]");
    if (!button) return;
    e.preventDefault();
    var name = button.getAttribute("data-fill");
    var scope = document.getElementById("register-form") || document;
    var control = scope.querySelector('[name="' + (window.CSS && CSS.escape ? CSS.escape(name) : name) + '"]');
    if (!control) return;
    if (control.type === "checkbox") control.checked = button.getAttribute("data-value") === "true";
    else control.value = button.getAttribute("data-value") || "";
    control.dispatchEvent(new Event("input", { bubbles: true }));
    control.dispatchEvent(new Event("change", { bubbles: true }));
    control.focus();
  });

  // --- previews load only when opened (opening an attachment is audited) -------------------
  document.addEventListener("toggle", function (e) {
    var details = e.target;
    if (!details.matches || !details.matches("details[data-preview]") || !details.open) return;
    details.querySelectorAll("[data-src]").forEach(function (el) {
      if (!el.getAttribute("src")) el.setAttribute("src", el.getAttribute("data-src"));
    });
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-collective-from]").forEach(function (form) {
      collectiveSync(form);
      if (form.elements.person_count) {
        form.elements.person_count.addEventListener("input", function () { collectiveSync(form); });
      }
    });
    document.querySelectorAll("[data-id-number]").forEach(function (input) {
      if (input.value) idNumberShow(input, true);
    });
    document.querySelectorAll("[data-on-spot-toggle]").forEach(function (box) {
      onSpotSync(box.form);
      box.addEventListener("change", function () { onSpotSync(box.form); });
    });
    // After an error, the field concerned; after a duplicate warning, the confirm button.
    document.querySelectorAll("form[data-focus]").forEach(function (form) {
      var name = form.getAttribute("data-focus");
      var target = name === "submit" ? form.querySelector("button[type=submit]") : form.elements[name];
      if (target && target.focus && name !== "title") target.focus();
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
      if (button.hasAttribute("autofocus")) button.focus();
    });
    var auto = document.querySelector("[data-autofocus]");
    if (auto) auto.focus();
  });
})();
