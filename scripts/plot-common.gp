# Shared by bpfault's plot scripts (loaded first by each). Set by `bpfault report` with -e:
#   data, out, fmts ('png svg'), title, subtitle, gpdir; per script: see its header.
#
# Arm styles. Every arm keeps one style in every plot of every run: 'ai' carries each arm's slot
# (meta.units' style + 1). The first twelve slots are chosen by hand: they differ in colour
# (Okabe-Ito, then Paul Tol's colours, for colour-blind readers) AND in fill, so a bar plot still
# reads in greyscale: six hatchings, one outline drawn in the arm's colour, and five solid fills
# whose grey levels are far apart (luma 0, 34, 52, 74 and 89%).
#   slot arm        colour            fill (P)             grey
#    1   enter      #0072B2 blue      solid (3)            34%
#    2   exit       #D55E00 vermilion / hatch (5)
#    3   retry      #009E73 green     cross-hatch (1)
#    4   raw-enter  #56B4E9 sky       \ hatch (4)
#    5   raw-exit   #E69F00 orange    steep / hatch (7)
#    6   btf-enter  #332288 indigo    steep \ hatch (6)
#    7   btf-exit   #CC79A7 pink      dense cross-hatch (2)
#    8   sleep      #000000 black     solid (3)             0%
#    9   fentry     #BDBDBD grey      solid (3)            74%
#   10   kprobe     #8F8F2E olive     solid (3)            52%
#   11   submit     #D6E4F5 pale blue solid (3)            89%
#   12   later      #AA3377 wine      outline (0), border in its colour
# Slot 13 and above are derived from the slot number: a hue on the golden-angle wheel, the
# hatchings in turn, dash and point types in turn; so any number of arms draws.
# Lines (factor plots) differ in point type and in dash type.
array C0[12] = ['#0072B2', '#D55E00', '#009E73', '#56B4E9', '#E69F00', '#332288', \
	       '#CC79A7', '#000000', '#BDBDBD', '#8F8F2E', '#D6E4F5', '#AA3377']
array P0[12] = [3, 5, 1, 4, 7, 6, 2, 3, 3, 3, 3, 0]
array PT0[12] = [7, 5, 9, 4, 11, 6, 13, 3, 8, 1, 12, 10]
frac(x) = x - floor(x)
C(s) = s <= 12 ? C0[s] : sprintf('#%06x', hsv2rgb(frac(s * 0.618034), 0.75, 0.55 + 0.3 * (s % 2)))
P(s) = s <= 12 ? P0[s] : (s % 7) + 1
BC(s) = s == 12 ? '#AA3377' : 'black'
DT(s) = (s - 1) % 5 + 1
PT(s) = s <= 12 ? PT0[s] : (s % 14) + 1
# i-th arm's slot, from the 'ai' word list
slot(i) = int(word(ai, i))

pngterm = strstrt(GPVAL_TERMINALS, 'pngcairo') ? 'pngcairo' : 'png'
term(f, w, h) = (f eq 'svg') ? \
	sprintf("set terminal svg size %d,%d fixed noenhanced font 'Sans,12' background rgb 'white'", w, h) : \
	sprintf("set terminal %s size %d,%d noenhanced font 'Sans,10' background rgb 'white'", pngterm, w, h)
set encoding utf8
