"""Backprop Lab: a numpy multilayer perceptron behind a REST API, drawn in the browser."""
