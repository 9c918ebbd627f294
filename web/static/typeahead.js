// Enter in a type-ahead box finds (as its button does) instead of sending the form.
document.addEventListener("keydown", function (event) {
  var box = event.target;
  if (event.key !== "Enter" || !box.classList || !box.classList.contains("typeahead-q")) {
    return;
  }
  event.preventDefault();
  box.dispatchEvent(new Event("search"));
});
