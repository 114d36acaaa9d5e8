"""Plotly figures: tables in, ``plotly.graph_objects.Figure`` out.

Figure functions only select and format; derived tables come from :mod:`analysis.plotdata`
and node positions from :mod:`analysis.layout`. None of them writes files. Every string taken
from an article is HTML-escaped before it reaches a figure.

Actor figures
-------------
plot_actor_network
    Whole-period co-mention network (``nodes``, ``comentions``, positions).
plot_network_over_time
    The network per period with a slider and play button.
plot_actor_timeline
    Mentions per period by language (``analysis.plotdata.mentions_per_period``).
plot_comention_matrix
    Heatmap of the top actors (``analysis.plotdata.comention_matrix``).

Topic figures
-------------
plot_topic_share
    Share of each period's documents per topic (``topics_over_time``).
plot_topic_terms
    Top terms and actors per topic and language (``topic_terms``, ``topic_actors``).
plot_topic_map
    Documents on a 2-D map by topic (``doc_map``).

Uniform options: ``top_n`` (how many actors / terms are shown), ``top_n_edges``,
``top_n_topics``, ``min_weight``, ``level``, ``weight``, ``title``, ``height``.
"""

from analysis.plots.network import plot_actor_network, plot_network_over_time
from analysis.plots.timeline import plot_actor_timeline, plot_comention_matrix
from analysis.plots.topics import plot_topic_map, plot_topic_share, plot_topic_terms

__all__ = [
    "plot_actor_network",
    "plot_actor_timeline",
    "plot_comention_matrix",
    "plot_network_over_time",
    "plot_topic_map",
    "plot_topic_share",
    "plot_topic_terms",
]
